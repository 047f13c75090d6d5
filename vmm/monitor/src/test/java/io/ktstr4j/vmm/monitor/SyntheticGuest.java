package io.ktstr4j.vmm.monitor;

import io.ktstr4j.vmm.ArrayGuestMemory;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A synthetic guest memory image laid out like a running kernel, using a real kernel's BTF offsets: a kernel-image
 * region (phys_base, banner, page_offset_base, __per_cpu_offset, sched_ext state), one per-CPU area per CPU holding
 * its {@code struct rq} (reached through the direct map), and sched-domain chains. Tests and benchmarks of the
 * monitor build on it; no VM is needed. Write helpers set fields by BTF path.
 */
public final class SyntheticGuest {

    public static final long TEXT = GuestAddressSpace.START_KERNEL_MAP;
    public static final long PAGE_OFFSET = GuestAddressSpace.PAGE_OFFSET_L4;
    static final long PHYS_BASE_SYM = TEXT + 0x1000, BANNER = TEXT + 0x2000, PAGE_OFFSET_BASE = TEXT + 0x3000,
            PER_CPU_OFFSET = TEXT + 0x4000, ENABLE_STATE = TEXT + 0x6000, SCX_OPS = TEXT + 0x7000,
            INIT_TOP_PGT = TEXT + 0x10000, MAP_IDR = TEXT + 0x8000, END = TEXT + 0x100000;
    static final int HEAP_BYTES = 4 << 20;
    static final long RUNQUEUES = 0x2f480;
    static final long PERCPU_PHYS = 0x200000, PERCPU_STRIDE = 0x40000;
    static final int MAX_DOMAINS_PER_CPU = 4;

    private final Btf btf;
    private final int cpus;
    private final ArrayGuestMemory mem;
    private final SymbolMap syms;
    private final long domainsPhys;
    private final long namesPhys;
    private final long heapPhys;
    private long heapNext;
    private final java.util.List<Long> maps = new java.util.ArrayList<>();

    public SyntheticGuest(Btf btf, int cpus) {
        this(btf, cpus, Map.of());
    }

    /** With extra kernel symbols (e.g. {@code scx_root} for a newer kernel's layout built with a synthetic BTF). */
    public SyntheticGuest(Btf btf, int cpus, Map<String, Long> extraSymbols) {
        if (cpus < 1 || cpus > 512) {
            throw new IllegalArgumentException("cpus must be 1..512, got " + cpus);
        }
        this.btf = btf;
        this.cpus = cpus;
        this.domainsPhys = PERCPU_PHYS + cpus * PERCPU_STRIDE;
        this.namesPhys = domainsPhys + (long) cpus * MAX_DOMAINS_PER_CPU * 512;
        this.heapPhys = namesPhys + 0x10000;
        this.heapNext = heapPhys;
        this.mem = new ArrayGuestMemory((int) (heapPhys + HEAP_BYTES));
        Map<String, Long> m = new HashMap<>();
        m.put("phys_base", PHYS_BASE_SYM);
        m.put("linux_banner", BANNER);
        m.put("page_offset_base", PAGE_OFFSET_BASE);
        m.put("__per_cpu_offset", PER_CPU_OFFSET);
        m.put("scx_ops_enable_state_var", ENABLE_STATE);
        m.put("scx_ops", SCX_OPS);
        m.put("init_top_pgt", INIT_TOP_PGT);
        m.put("_end", END);
        m.put("runqueues", RUNQUEUES);
        m.put("map_idr", MAP_IDR);
        m.putAll(extraSymbols);
        this.syms = SymbolMap.of(m);
        byte[] banner = "Linux version 6.12.117-synthetic".getBytes(StandardCharsets.US_ASCII);
        mem.write(text(BANNER), banner, 0, banner.length);
        mem.writeU64(text(PAGE_OFFSET_BASE), PAGE_OFFSET);
        for (int c = 0; c < cpus; c++) {
            mem.writeU64(text(PER_CPU_OFFSET) + 8L * c, PAGE_OFFSET + PERCPU_PHYS + c * PERCPU_STRIDE);
            if (btf.tryField("rq.cpu").isPresent()) {
                writeRq(c, "cpu", c);
            }
        }
        byte[] names = "SMT\0MC\0PKG\0NUMA\0".getBytes(StandardCharsets.US_ASCII);
        mem.write(namesPhys, names, 0, names.length);
    }

    static long text(long va) {
        return va - TEXT;
    }

    public ArrayGuestMemory memory() {
        return mem;
    }

    public SymbolMap symbols() {
        return syms;
    }

    public Btf btf() {
        return btf;
    }

    public int cpus() {
        return cpus;
    }

    /** Guest-physical address of {@code cpu}'s per-CPU area (what {@code __per_cpu_offset[cpu]} maps to). */
    public long perCpuAreaPhys(int cpu) {
        return PERCPU_PHYS + cpu * PERCPU_STRIDE;
    }

    /** Guest-physical address of {@code cpu}'s struct rq. */
    public long rqPhys(int cpu) {
        return PERCPU_PHYS + cpu * PERCPU_STRIDE + RUNQUEUES;
    }

    /** Writes a field of {@code cpu}'s rq by BTF path relative to struct rq (e.g. {@code scx.local_dsq.nr}). */
    public void writeRq(int cpu, String path, long value) {
        writeField(rqPhys(cpu), "rq." + path, value);
    }

    public void setRq(int cpu, long nrRunning, long scxNrRunning, long localDsqDepth, long clock, long scxFlags) {
        writeRq(cpu, "nr_running", nrRunning);
        writeRq(cpu, "scx.nr_running", scxNrRunning);
        writeRq(cpu, "scx.local_dsq.nr", localDsqDepth);
        writeRq(cpu, "clock", clock);
        writeRq(cpu, "scx.flags", scxFlags);
    }

    public void advanceClock(int cpu, long ns) {
        long phys = rqPhys(cpu) + btf.field("rq.clock").offset();
        mem.writeU64(phys, mem.readU64(phys) + ns);
    }

    /** Gives {@code cpu} a domain chain SMT → MC → PKG → NUMA (levels 0..n-1); the top one spans all CPUs. */
    public void addDomains(int cpu, int levels) {
        if (levels > MAX_DOMAINS_PER_CPU) {
            throw new IllegalArgumentException("at most " + MAX_DOMAINS_PER_CPU + " domain levels");
        }
        long prev = 0;
        int[] nameOff = {0, 4, 7, 11};
        for (int l = levels - 1; l >= 0; l--) {
            long phys = domainPhys(cpu, l);
            writeField(phys, "sched_domain.parent", prev == 0 ? 0 : PAGE_OFFSET + prev);
            writeField(phys, "sched_domain.level", l);
            writeField(phys, "sched_domain.name", PAGE_OFFSET + namesPhys + nameOff[l]);
            writeField(phys, "sched_domain.span_weight", l == levels - 1 ? cpus : 2L << l);
            writeField(phys, "sched_domain.balance_interval", 4L << l);
            writeField(phys, "sched_domain.lb_count[0]", 10 + l);
            writeField(phys, "sched_domain.lb_count[2]", 30 + l);
            writeField(phys, "sched_domain.ttwu_wake_remote", 100 + l);
            prev = phys;
        }
        writeRq(cpu, "sd", PAGE_OFFSET + domainPhys(cpu, 0));
    }

    /** Guest-physical address of {@code cpu}'s domain at {@code level}. */
    public long domainPhys(int cpu, int level) {
        return domainsPhys + ((long) cpu * MAX_DOMAINS_PER_CPU + level) * 512;
    }

    /** Direct-map virtual address of a guest-physical one. */
    public static long directMap(long phys) {
        return PAGE_OFFSET + phys;
    }

    /** Sets the sched_ext enable state (by enumerator name) and the ops name. */
    public void setScx(String enableState, String opsName) {
        long v = btf.enumerator(enableState).orElseThrow(() -> new IllegalArgumentException(
                "no enumerator " + enableState + " in this BTF"));
        mem.writeU32(text(ENABLE_STATE), (int) v);
        byte[] name = new byte[128];
        byte[] n = opsName.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, name, 0, Math.min(n.length, 127));
        mem.write(text(SCX_OPS) + btf.field("sched_ext_ops.name").offset(), name, 0, name.length);
    }

    /** Bump-allocates {@code bytes} (8-byte aligned) of zeroed guest RAM; returns its guest-physical address. */
    public long alloc(long bytes) {
        long at = heapNext;
        heapNext = (heapNext + bytes + 63) & ~63L;
        if (heapNext > heapPhys + HEAP_BYTES) {
            throw new IllegalStateException("synthetic heap exhausted");
        }
        return at;
    }

    /**
     * Registers a BPF map in {@code map_idr}: a {@code struct bpf_array} of {@code mapType} holding {@code values}
     * (one per entry), typed by {@code progBtf}/{@code valueTypeId} when given. Returns the map's physical address.
     */
    public long addArrayMap(String name, int mapType, int valueSize, java.util.List<byte[]> values, byte[] progBtf,
                            int valueTypeId) {
        long elem = (valueSize + 7) & ~7L;
        long valueOff = btf.field("bpf_array.value").offset();
        long map = alloc(valueOff + elem * Math.max(1, values.size()));
        writeField(map, "bpf_map.map_type", mapType);
        writeField(map, "bpf_map.key_size", 4);
        writeField(map, "bpf_map.value_size", valueSize);
        writeField(map, "bpf_map.max_entries", values.size());
        writeField(map, "bpf_map.id", maps.size() + 1);
        writeField(map, "bpf_array.elem_size", elem);
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        mem.write(map + btf.field("bpf_map.name").offset(), n, 0, Math.min(15, n.length));
        for (int i = 0; i < values.size(); i++) {
            mem.write(map + valueOff + i * elem, values.get(i), 0, values.get(i).length);
        }
        if (progBtf != null) {
            long blob = alloc(progBtf.length);
            mem.write(blob, progBtf, 0, progBtf.length);
            long b = alloc(btf.sizeOf("btf"));
            writeField(b, "btf.data", directMap(blob));
            writeField(b, "btf.data_size", progBtf.length);
            writeField(map, "bpf_map.btf", directMap(b));
            writeField(map, "bpf_map.btf_value_type_id", valueTypeId);
        }
        maps.add(map);
        rebuildMapIdr();
        return map;
    }

    /** map_idr as one xa_node (shift 0) whose slots 1..n hold the maps (IDR ids start at 1). */
    private void rebuildMapIdr() {
        long node = alloc(btf.sizeOf("xa_node"));
        long slots = btf.field("xa_node.slots").offset();
        for (int i = 0; i < maps.size(); i++) {
            mem.writeU64(node + slots + 8L * (i + 1), directMap(maps.get(i)));
        }
        mem.writeU64(text(MAP_IDR) + btf.field("idr.idr_rt.xa_head").offset(), directMap(node) | 2);
    }

    /** Physical address of the current map_idr root node. */
    public long mapIdrNode() {
        return mem.readU64(text(MAP_IDR) + btf.field("idr.idr_rt.xa_head").offset()) - 2 - PAGE_OFFSET;
    }

    /** Overwrites {@code __per_cpu_offset[cpu]} (hostile-memory tests). */
    public void setPerCpuOffset(int cpu, long value) {
        mem.writeU64(text(PER_CPU_OFFSET) + 8L * cpu, value);
    }

    public void writeField(long structPhys, String path, long value) {
        Btf.Field f = btf.field(path);
        long at = structPhys + f.offset();
        if (f.isBitfield()) {
            throw new IllegalArgumentException(path + " is a bitfield; not supported by the synthetic writer");
        }
        switch ((int) f.byteSize()) {
            case 1 -> mem.writeU8(at, (byte) value);
            case 2 -> mem.write(at, new byte[] {(byte) value, (byte) (value >>> 8)}, 0, 2);
            case 4 -> mem.writeU32(at, (int) value);
            case 8 -> mem.writeU64(at, value);
            default -> throw new IllegalArgumentException(path + ": " + f.byteSize() + "-byte field");
        }
    }
}
