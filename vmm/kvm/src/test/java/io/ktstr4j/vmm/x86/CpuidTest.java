package io.ktstr4j.vmm.x86;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuidTest {

    static List<CpuidEntry> fakeSupported(boolean amd) {
        List<CpuidEntry> l = new ArrayList<>();
        l.add(new CpuidEntry(0, 0, 0, 0xd, amd ? Cpuid.VENDOR_AMD_EBX : 0x756e6547, 0, 0));
        l.add(new CpuidEntry(1, 0, 0, 0x00a00f11, 0x00000800, (0x80000001 | Cpuid.ECX1_VMX) & ~(1 << 31),
                0x178bfbff & ~(1 << 28)));
        l.add(new CpuidEntry(4, 0, 1, 0x121, 0, 0, 0)); // host cache leaf, must be replaced
        l.add(new CpuidEntry(0xb, 0, 1, 1, 2, 0x100, 0));
        l.add(new CpuidEntry(0x80000000, 0, 0, 0x80000008, 0, 0, 0));
        l.add(new CpuidEntry(0x80000001, 0, 0, 0, 0, Cpuid.ECX81_SVM, 0));
        l.add(new CpuidEntry(0x8000000a, 0, 0, 1, 0x8000, 0, 0x1fff));
        l.add(new CpuidEntry(0x80000008, 0, 0, 0x3030, 0, 0x7007, 0));
        return l;
    }

    @Test
    void apicIdsFollowLlcCoreThread() {
        CpuTopology smt = CpuTopology.of(1, 2, 2, 2); // smt-2llc
        assertThat(smt.threadBits()).isEqualTo(1);
        assertThat(smt.coreBits()).isEqualTo(1);
        assertThat(List.of(0, 1, 2, 3, 4, 5, 6, 7).stream().map(smt::apicId)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        CpuTopology odd = CpuTopology.of(1, 3, 3, 1); // odd-3llc: 3 cores need 2 bits
        assertThat(odd.apicId(3)).isEqualTo(4);
        assertThat(odd.apicId(8)).isEqualTo(2 << 2 | 2);
        CpuTopology numa = CpuTopology.of(2, 4, 4, 1); // numa2-4llc
        assertThat(numa.nodeOf(7)).isZero();
        assertThat(numa.nodeOf(8)).isEqualTo(1);
        assertThat(numa.apicId(15)).isEqualTo(3 << 2 | 3);
        assertThat(numa.label()).isEqualTo("2n4l4c1t");
    }

    @Test
    void patchesTopologyLeavesPerVcpu() {
        CpuTopology t = CpuTopology.of(2, 4, 2, 2); // 16 cpus, 2 nodes
        int cpu = 13; // llc 3, core 0, thread 1
        List<CpuidEntry> c = Cpuid.forVcpu(fakeSupported(true), t, cpu);
        int apic = t.apicId(cpu);
        assertThat(apic).isEqualTo(3 << 2 | 0 << 1 | 1);
        CpuidEntry l1 = Cpuid.find(c, 1, 0);
        assertThat(l1.ebx() >>> 24).isEqualTo(apic);
        assertThat((l1.ebx() >>> 16) & 0xff).isEqualTo(4);
        assertThat(l1.edx() & (1 << 28)).isNotZero();
        assertThat(l1.ecx() & (1 << 31)).isNotZero();
        // 0xB: SMT level shift 1 with 2 threads, core level shift 2 with 4 logical CPUs
        CpuidEntry smt = Cpuid.find(c, 0xb, 0);
        CpuidEntry core = Cpuid.find(c, 0xb, 1);
        assertThat(smt.eax()).isEqualTo(1);
        assertThat(smt.ebx()).isEqualTo(2);
        assertThat((smt.ecx() >> 8) & 0xff).isEqualTo(1);
        assertThat(core.eax()).isEqualTo(2);
        assertThat(core.ebx()).isEqualTo(4);
        assertThat((core.ecx() >> 8) & 0xff).isEqualTo(2);
        assertThat(core.edx()).isEqualTo(apic);
        assertThat(Cpuid.find(c, 0xb, 2).ecx() >> 8 & 0xff).isZero();
        // caches: L3 shared by the 4 logical CPUs of the LLC, L1/L2 by the 2 threads of a core
        for (int leaf : new int[] {4, 0x8000001d}) {
            CpuidEntry l3 = Cpuid.find(c, leaf, 3);
            assertThat((l3.eax() >> 5) & 7).isEqualTo(3);
            assertThat(((l3.eax() >> 14) & 0xfff) + 1).isEqualTo(4);
            CpuidEntry l1d = Cpuid.find(c, leaf, 0);
            assertThat(l1d.eax() & 0x1f).isEqualTo(1);
            assertThat(((l1d.eax() >> 14) & 0xfff) + 1).isEqualTo(2);
            assertThat(Cpuid.find(c, leaf, 4).eax() & 0x1f).as("terminating null cache").isZero();
        }
        assertThat(c.stream().filter(e -> e.function() == 4 && e.eax() == 0x121)).isEmpty();
        // no nested virtualization: VMX, SVM and the SVM feature leaf are hidden
        assertThat(Cpuid.find(c, 1, 0).ecx() & Cpuid.ECX1_VMX).isZero();
        assertThat(Cpuid.find(c, 0x80000001, 0).ecx() & Cpuid.ECX81_SVM).isZero();
        assertThat(Cpuid.find(c, 0x8000000a, 0)).isNull();
        // AMD: node id (= the LLC, which pre-Zen kernels take as the LLC id) and TOPOEXT
        assertThat(Cpuid.find(c, 0x8000001e, 0).ecx() & 0xff).isEqualTo(3);
        assertThat(Cpuid.find(c, 0x8000001e, 0).eax()).isEqualTo(apic);
        assertThat(Cpuid.find(c, 0x80000001, 0).ecx() & (1 << 22)).isNotZero();
        assertThat(Cpuid.find(c, 0x80000000, 0).eax()).isEqualTo(0x8000001e);
        assertThat(Cpuid.find(c, 0x80000008, 0).ecx() & 0xff).isEqualTo(3);
        assertThat((Cpuid.find(c, 0x80000008, 0).ecx() >> 12) & 0xf).isEqualTo(2);
    }

    @Test
    void intelHostsKeepAmdOnlyBitsClear() {
        List<CpuidEntry> c = Cpuid.forVcpu(fakeSupported(false), CpuTopology.of(1, 1, 4, 1), 2);
        assertThat(Cpuid.find(c, 0x80000001, 0).ecx() & (1 << 22)).isZero();
        assertThat(Cpuid.find(c, 1, 0).ebx() >>> 24).isEqualTo(2);
        assertThat(((Cpuid.find(c, 4, 3).eax() >>> 26) & 0x3f) + 1).isEqualTo(4);
    }
}
