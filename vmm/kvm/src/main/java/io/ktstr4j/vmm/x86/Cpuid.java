package io.ktstr4j.vmm.x86;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Per-vCPU CPUID: KVM's supported leaves with the declared topology patched in. Leaves 0x4 and 0x8000001D are
 * replaced by synthetic caches (L1d/L1i/L2 per core, L3 per LLC) so the guest's sysfs cache entries and LLC ids
 * follow the declared LLCs on both Intel and AMD hosts; 0xB/0x1F describe SMT and core levels with each LLC as a
 * package; 0x8000001E carries the LLC as the AMD node id.
 */
public final class Cpuid {
    public static final int VENDOR_AMD_EBX = 0x68747541; // "Auth"
    public static final int VENDOR_HYGON_EBX = 0x6f677948; // "Hygo"
    /** CPUID.1:ECX.VMX and CPUID.80000001h:ECX.SVM, both hidden from guests. */
    static final int ECX1_VMX = 1 << 5;
    static final int ECX81_SVM = 1 << 2;

    /** One synthetic cache level. */
    record Cache(int type, int level, int ways, int sets, boolean perLlc) {}

    static final Cache[] CACHES = {
        new Cache(1, 1, 8, 64, false), // L1d 32 KiB
        new Cache(2, 1, 8, 64, false), // L1i 32 KiB
        new Cache(3, 2, 16, 1024, false), // L2 1 MiB
        new Cache(3, 3, 16, 16384, true), // L3 16 MiB per LLC
    };

    private Cpuid() {}

    public static boolean isAmd(List<CpuidEntry> entries) {
        return entries.stream().filter(e -> e.function() == 0).findFirst()
                .map(e -> e.ebx() == VENDOR_AMD_EBX || e.ebx() == VENDOR_HYGON_EBX).orElse(false);
    }

    public static List<CpuidEntry> forVcpu(List<CpuidEntry> supported, CpuTopology topo, int cpu) {
        int apic = topo.apicId(cpu);
        int tb = topo.threadBits();
        int cb = topo.coreBits();
        int perPkgLogical = 1 << (cb + tb);
        boolean amd = isAmd(supported);
        List<CpuidEntry> out = new ArrayList<>();
        boolean has1f = false;
        for (CpuidEntry e : supported) {
            int f = e.function();
            if (f == 0x4 || f == 0xb || f == 0x1f || f == 0x8000001d || f == 0x8000001e) {
                has1f |= f == 0x1f;
                continue; // rebuilt below
            }
            switch (f) {
                case 0x0 -> e = e.withEax(Math.max(e.eax(), 0xb));
                case 0x1 -> {
                    int ebx = (e.ebx() & 0x0000ffff) | (Math.min(perPkgLogical, 255) << 16) | ((apic & 0xff) << 24);
                    // VMX off: see 0x80000001
                    e = e.withEbx(ebx).withEcx((e.ecx() | (1 << 31)) & ~ECX1_VMX).withEdx(e.edx() | (1 << 28));
                }
                case 0x80000000 -> e = e.withEax(Math.max(e.eax(), 0x8000001e));
                case 0x80000001 -> {
                    // No nested virtualization for the guest: a 6.12 kernel with KVM built in enables SVM/VMX on every
                    // CPU at boot (kvm.enable_virt_at_load), which a scheduler test never needs and which reset
                    // guests with a triple fault under nested KVM (6 of 38 boots in the rig).
                    int ecx = e.ecx() & ~ECX81_SVM;
                    e = e.withEcx(amd ? ecx | (1 << 22) | (1 << 1) : ecx); // TOPOEXT, CmpLegacy
                }
                case 0x8000000a -> {
                    continue; // SVM features: meaningless without SVM
                }
                case 0x80000008 -> {
                    if (amd) {
                        e = e.withEcx((e.ecx() & ~0xf0ff) | ((cb + tb) << 12) | ((perPkgLogical - 1) & 0xff));
                    }
                }
                default -> { }
            }
            out.add(e);
        }
        int sig = CpuidEntry.FLAG_SIGNIFICANT_INDEX;
        for (int i = 0; i < CACHES.length; i++) {
            Cache c = CACHES[i];
            int sharing = c.perLlc() ? perPkgLogical : 1 << tb;
            int eax = c.type() | c.level() << 5 | 1 << 8 | (sharing - 1) << 14;
            int ebx = 63 | (c.ways() - 1) << 22;
            int ecx = c.sets() - 1;
            int edx = c.level() == 3 ? 1 << 1 : 0; // inclusive L3
            out.add(new CpuidEntry(0x4, i, sig, eax | (((1 << cb) - 1) << 26), ebx, ecx, edx));
            out.add(new CpuidEntry(0x8000001d, i, sig, eax, ebx, ecx, edx));
        }
        out.add(new CpuidEntry(0x4, CACHES.length, sig, 0, 0, 0, 0));
        out.add(new CpuidEntry(0x8000001d, CACHES.length, sig, 0, 0, 0, 0));
        for (int leaf : has1f ? new int[] {0xb, 0x1f} : new int[] {0xb}) {
            out.add(new CpuidEntry(leaf, 0, sig, tb, topo.threadsPerCore(), 1 << 8, apic));
            out.add(new CpuidEntry(leaf, 1, sig, cb + tb, topo.coresPerLlc() * topo.threadsPerCore(), 1 | 2 << 8, apic));
            out.add(new CpuidEntry(leaf, 2, sig, 0, 0, 2, apic));
        }
        int coreId = apic >>> tb; // unique per core across the whole machine, as on AMD
        // ECX[7:0] is the AMD "node" (a die's northbridge), not the NUMA node (that comes from SRAT): Linux takes
        // it as the LLC id on AMD families before 0x17 (QEMU's max/qemu64 CPU is family 15), so it must name the LLC
        // or every LLC would share one L3. Families 0x17+ derive the LLC from 0x8000001D's sharing count instead.
        out.add(new CpuidEntry(0x8000001e, 0, 0, apic, (coreId & 0xff) | (topo.threadsPerCore() - 1) << 8,
                topo.llcOf(cpu) & 0xff, 0));
        out.sort(Comparator.comparingLong((CpuidEntry e) -> e.function() & 0xffffffffL).thenComparingInt(CpuidEntry::index));
        return out;
    }

    /** The entry for (function, index), or null. */
    public static CpuidEntry find(List<CpuidEntry> entries, int function, int index) {
        for (CpuidEntry e : entries) {
            if (e.function() == function && (e.index() == index || (e.flags() & CpuidEntry.FLAG_SIGNIFICANT_INDEX) == 0)) {
                return e;
            }
        }
        return null;
    }
}
