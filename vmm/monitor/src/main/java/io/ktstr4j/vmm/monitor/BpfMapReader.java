package io.ktstr4j.vmm.monitor;

import io.ktstr4j.schemas.monitor.BpfMapValue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads the guest's BPF maps: every {@code struct bpf_map} registered in the kernel's {@code map_idr}. ARRAY maps
 * (a scheduler's {@code .bss}/{@code .data}/{@code .rodata} are single-entry ARRAYs) are typed with the program's own
 * BTF ({@code map->btf}, read from guest memory and parsed as untrusted input); without BTF, or for PERCPU_ARRAY
 * entries that cannot be typed, values come out as raw hex. Other map kinds are listed by name and type only.
 *
 * <p>Every byte copied and every value rendered is charged to the snapshot's {@link ReadBudget}; at most
 * {@link #MAX_MAP_BYTES} are read per map (a PERCPU map multiplies its entries by the CPUs). When the budget runs out
 * the maps read so far are kept and the rest are left out. A map that fails in any other way (an exception, a stack
 * overflow in a parser) is counted and skipped.
 */
final class BpfMapReader {

    static final int MAX_MAPS = 256;
    static final int MAX_VALUE_BYTES = 256 * 1024;
    static final int MAX_BTF_BYTES = 8 << 20;
    static final int MAX_RAW_ENTRIES = 64;
    /** Value bytes read per map (entries × CPUs × value size for a PERCPU map); the rest is left out, counted. */
    static final int MAX_MAP_BYTES = 1 << 20;
    static final int BPF_MAP_TYPE_ARRAY = 2;
    static final int BPF_MAP_TYPE_PERCPU_ARRAY = 6;

    private final GuestKernel kernel;
    private final MonitorErrors errors;
    private final int cpus;
    private final XarrayWalker xa;
    private ReadBudget budget = ReadBudget.untimed();
    private final Map<Long, String> typeNames;
    private final long offType, offKey, offValue, offMax, offName, offBtf, offValueTypeId, offId;
    private final long offElemSize, offArrayValue, offBtfData, offBtfDataSize;

    BpfMapReader(GuestKernel kernel, MonitorErrors errors, int cpus) {
        this.kernel = kernel;
        this.errors = errors;
        this.cpus = cpus;
        Btf btf = kernel.btf();
        xa = new XarrayWalker(btf);
        typeNames = btf.enumValues("bpf_map_type");
        offType = btf.field("bpf_map.map_type").offset();
        offKey = btf.field("bpf_map.key_size").offset();
        offValue = btf.field("bpf_map.value_size").offset();
        offMax = btf.field("bpf_map.max_entries").offset();
        offName = btf.field("bpf_map.name").offset();
        offBtf = btf.field("bpf_map.btf").offset();
        offValueTypeId = btf.field("bpf_map.btf_value_type_id").offset();
        offId = btf.field("bpf_map.id").offset();
        offElemSize = btf.field("bpf_array.elem_size").offset();
        offArrayValue = btf.field("bpf_array.value").offset();
        offBtfData = btf.field("btf.data").offset();
        offBtfDataSize = btf.field("btf.data_size").offset();
    }

    /**
     * Maps whose name passes {@code filter}, in id order. Failures of single maps are counted and skipped; when the
     * budget runs out, the maps read until then.
     */
    List<BpfMapValue> readAll(Predicate<String> filter) {
        return readAll(filter, ReadBudget.untimed());
    }

    /** {@link #readAll(Predicate)} charging {@code budget} (one snapshot's). Not thread-safe. */
    List<BpfMapValue> readAll(Predicate<String> filter, ReadBudget budget) {
        this.budget = budget;
        GuestAddressSpace as = kernel.space();
        List<Long> maps = xa.entries(as, kernel.symbols().require("map_idr"), errors);
        List<BpfMapValue> out = new ArrayList<>();
        Map<Long, Btf> btfCache = new HashMap<>();
        for (long map : maps.subList(0, Math.min(maps.size(), MAX_MAPS))) {
            if (budget.isExceeded()) {
                errors.count(MonitorErrors.BPF_MAP, "read budget exceeded (" + budget.reason() + "); "
                        + (maps.size() - out.size()) + " map(s) left out");
                break;
            }
            try {
                String name = as.cString(map + offName, 16);
                if (name.isEmpty()) {
                    name = "id:" + (as.u32(map + offId) & 0xffffffffL);
                }
                if (!filter.test(name)) {
                    continue;
                }
                out.add(read(as, map, name, btfCache));
            } catch (ReadBudget.Exceeded e) {
                // counted at the top of the next round
            } catch (RuntimeException | StackOverflowError e) {
                errors.count(MonitorErrors.BPF_MAP, String.format("map at 0x%x: %s", map, e));
            }
        }
        return out;
    }

    private BpfMapValue read(GuestAddressSpace as, long map, String name, Map<Long, Btf> btfCache) {
        int type = as.u32(map + offType);
        String typeName = typeNames.getOrDefault((long) type, "TYPE_" + type).replaceFirst("^BPF_MAP_TYPE_", "");
        long valueSize = as.u32(map + offValue) & 0xffffffffL;
        long maxEntries = as.u32(map + offMax) & 0xffffffffL;
        if (type != BPF_MAP_TYPE_ARRAY && type != BPF_MAP_TYPE_PERCPU_ARRAY) {
            return new BpfMapValue(name, typeName, Map.of(), List.of());
        }
        long elem = as.u32(map + offElemSize) & 0xffffffffL;
        if (elem < valueSize || elem > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("implausible elem_size " + elem + " for value_size " + valueSize);
        }
        long btfPtr = as.u64(map + offBtf);
        int valueTypeId = as.u32(map + offValueTypeId);
        Btf progBtf = null;
        if (btfPtr != 0 && valueTypeId != 0) {
            progBtf = btfCache.computeIfAbsent(btfPtr, p -> loadBtf(as, p));
        }
        int n = (int) Math.min(maxEntries, type == BPF_MAP_TYPE_ARRAY ? MAX_VALUE_BYTES / Math.max(1, elem)
                : MAX_RAW_ENTRIES);
        n = Math.min(n, MAX_RAW_ENTRIES);
        List<byte[]> values = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        long mapBytes = 0;
        int perEntry = type == BPF_MAP_TYPE_ARRAY ? 1 : cpus;
        read:
        for (int i = 0; i < n; i++) {
            long pptr = type == BPF_MAP_TYPE_ARRAY ? 0 : as.u64(map + offArrayValue + 8L * i);
            for (int cpu = 0; cpu < perEntry; cpu++) {
                if (mapBytes + valueSize > MAX_MAP_BYTES) {
                    errors.count(MonitorErrors.BPF_MAP, name + ": more than " + MAX_MAP_BYTES + " value bytes; "
                            + values.size() + " value(s) read, the rest left out");
                    break read;
                }
                mapBytes += valueSize;
                budget.bytes(valueSize, "BPF map values");
                byte[] v = new byte[(int) valueSize];
                if (type == BPF_MAP_TYPE_ARRAY) {
                    as.read(map + offArrayValue + i * elem, v, 0, v.length);
                    keys.add(keyHex(i));
                } else {
                    as.read(pptr + as.perCpuOffset(cpu), v, 0, v.length);
                    keys.add(keyHex(i) + "@cpu" + cpu);
                }
                values.add(v);
            }
        }
        if (progBtf != null) {
            try {
                return new BpfMapValue(name, typeName, typed(progBtf, valueTypeId, keys, values), List.of());
            } catch (ReadBudget.Exceeded e) {
                throw e;
            } catch (RuntimeException | StackOverflowError e) {
                errors.count(MonitorErrors.BPF_MAP, name + ": BTF typing failed, raw hex instead: " + e.getMessage());
            }
        }
        List<BpfMapValue.RawEntry> raw = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            budget.bytes(2L * values.get(i).length, "raw hex of BPF map values");
            raw.add(new BpfMapValue.RawEntry(keys.get(i), BtfValueRenderer.rawHex(values.get(i), 0,
                    values.get(i).length)));
        }
        return new BpfMapValue(name, typeName, Map.of(), raw);
    }

    private static String keyHex(int index) {
        byte[] k = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(index).array();
        return BtfValueRenderer.rawHex(k, 0, 4);
    }

    private Map<String, Object> typed(Btf btf, int valueTypeId, List<String> keys, List<byte[]> values) {
        BtfValueRenderer r = new BtfValueRenderer(btf, budget);
        int t = btf.resolve(valueTypeId);
        if (values.size() == 1 && btf.kind(t) == Btf.KIND_DATASEC) {
            return r.datasec(t, values.get(0));
        }
        if (values.size() == 1 && r.value(t, values.get(0), 0, 0) instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            out.put(keys.get(i), r.value(t, values.get(i), 0, 0));
        }
        return out;
    }

    /** Copies the program's BTF blob out of guest memory (bounded) and parses it. */
    private Btf loadBtf(GuestAddressSpace as, long btfPtr) {
        long data = as.u64(btfPtr + offBtfData);
        long size = as.u32(btfPtr + offBtfDataSize) & 0xffffffffL;
        if (data == 0 || size < 24 || size > MAX_BTF_BYTES) {
            throw new IllegalArgumentException("program BTF of implausible size " + size);
        }
        budget.bytes(size, "program BTF");
        byte[] blob = new byte[(int) size];
        as.read(data, blob, 0, blob.length);
        return Btf.parse(ByteBuffer.wrap(blob));
    }
}
