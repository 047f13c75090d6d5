package io.ktstr4j.vmm.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.vmm.nativelib.KvmIoctls;
import io.ktstr4j.vmm.x86.CpuidEntry;
import io.ktstr4j.vmm.x86.Layout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KvmStructsTest {

    @Test
    void ioctlNumbersMatchTheKernelHeaders() {
        // values from include/uapi/linux/kvm.h on x86_64 (as printed by a C program with the real header)
        assertThat(KvmIoctls.KVM_GET_API_VERSION).isEqualTo(0xae00L);
        assertThat(KvmIoctls.KVM_CREATE_VM).isEqualTo(0xae01L);
        assertThat(KvmIoctls.KVM_GET_SUPPORTED_CPUID).isEqualTo(0xc008ae05L);
        assertThat(KvmIoctls.KVM_SET_USER_MEMORY_REGION).isEqualTo(0x4020ae46L);
        assertThat(KvmIoctls.KVM_SET_IDENTITY_MAP_ADDR).isEqualTo(0x4008ae48L);
        assertThat(KvmIoctls.KVM_CREATE_PIT2).isEqualTo(0x4040ae77L);
        assertThat(KvmIoctls.KVM_RUN).isEqualTo(0xae80L);
        assertThat(KvmIoctls.KVM_GET_REGS).isEqualTo(0x8090ae81L);
        assertThat(KvmIoctls.KVM_SET_SREGS).isEqualTo(0x4138ae84L);
        assertThat(KvmIoctls.KVM_SET_MSRS).isEqualTo(0x4008ae89L);
        assertThat(KvmIoctls.KVM_SET_FPU).isEqualTo(0x41a0ae8dL);
        assertThat(KvmIoctls.KVM_GET_LAPIC).isEqualTo(0x8400ae8eL);
        assertThat(KvmIoctls.KVM_SET_CPUID2).isEqualTo(0x4008ae90L);
        assertThat(KvmIoctls.KVM_IRQ_LINE).isEqualTo(0x4008ae61L);
    }

    @Test
    void bootSregsEnterLongModeWithTheBootGdt() {
        byte[] s = KvmStructs.bootSregs(new byte[KvmStructs.SREGS_SIZE]);
        ByteBuffer b = ByteBuffer.wrap(s).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getShort(KvmStructs.SREGS_CS + 12)).isEqualTo((short) 8);
        assertThat(b.get(KvmStructs.SREGS_CS + 19)).as("cs.l").isEqualTo((byte) 1);
        assertThat(b.getShort(KvmStructs.SREGS_SS + 12)).isEqualTo((short) 0x10);
        assertThat(b.getShort(KvmStructs.SREGS_TR + 12)).isEqualTo((short) 0x18);
        assertThat(b.getLong(KvmStructs.SREGS_GDT)).isEqualTo(Layout.GDT);
        assertThat(b.getShort(KvmStructs.SREGS_GDT + 8)).isEqualTo((short) 31);
        assertThat(b.getLong(KvmStructs.SREGS_CR3)).isEqualTo(Layout.PML4);
        assertThat(b.getLong(KvmStructs.SREGS_CR0) & 0x80000001L).isEqualTo(0x80000001L);
        assertThat(b.getLong(KvmStructs.SREGS_CR4) & 0x20).isEqualTo(0x20);
        assertThat(b.getLong(KvmStructs.SREGS_EFER)).isEqualTo(0x500);
        ByteBuffer r = ByteBuffer.wrap(KvmStructs.bootRegs(0x100200)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(r.getLong(KvmStructs.REGS_RIP)).isEqualTo(0x100200);
        assertThat(r.getLong(KvmStructs.REGS_RSI)).isEqualTo(Layout.ZERO_PAGE);
        assertThat(r.getLong(KvmStructs.REGS_RFLAGS)).isEqualTo(2);
    }

    @Test
    void cpuidAndMsrStructsRoundTrip() {
        List<CpuidEntry> in = new ArrayList<>();
        in.add(new CpuidEntry(0, 0, 0, 0xd, 1, 2, 3));
        in.add(new CpuidEntry(0x8000001d, 3, 1, -1, 0x7fffffff, 5, 6));
        byte[] raw = KvmStructs.cpuid2(in);
        assertThat(raw).hasSize(8 + 2 * 40);
        assertThat(KvmStructs.parseCpuid2(raw)).isEqualTo(in);
        byte[] msrs = KvmStructs.bootMsrs();
        ByteBuffer b = ByteBuffer.wrap(msrs).order(ByteOrder.LITTLE_ENDIAN);
        int n = b.getInt(0);
        assertThat(msrs).hasSize(8 + n * 16);
        boolean mtrr = false;
        for (int i = 0; i < n; i++) {
            if (b.getInt(8 + i * 16) == KvmStructs.MSR_MTRR_DEF_TYPE) {
                mtrr = b.getLong(8 + i * 16 + 8) == 0x806;
            }
        }
        assertThat(mtrr).as("MTRRs enabled, default type write-back").isTrue();
        byte[] lapic = KvmStructs.lapicWithLints(new byte[1024]);
        ByteBuffer l = ByteBuffer.wrap(lapic).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(l.getInt(0x350)).isEqualTo(0x700);
        assertThat(l.getInt(0x360)).isEqualTo(0x400);
        ByteBuffer m = ByteBuffer.wrap(KvmStructs.memoryRegion(2, 0x1_0000_0000L, 1 << 30, 0x7f00_0000_0000L))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(m.getInt(0)).isEqualTo(2);
        assertThat(m.getLong(8)).isEqualTo(0x1_0000_0000L);
        assertThat(m.getLong(24)).isEqualTo(0x7f00_0000_0000L);
    }

    @Test
    void consoleLinesSplitOnNewlineAndDropCarriageReturns() {
        List<String> lines = new ArrayList<>();
        ConsoleLines c = new ConsoleLines(lines::add);
        for (byte b : "hello\r\nworld\npart".getBytes()) {
            c.accept(b);
        }
        assertThat(lines).containsExactly("hello", "world");
        c.flush();
        assertThat(lines).containsExactly("hello", "world", "part");
    }
}
