package io.ktstr4j.vmm.monitor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns bytes into JSON-friendly values using a (program's) BTF: integers as numbers, char arrays as strings, structs
 * as maps, arrays as lists, pointers as hex. Bounded by depth and element counts, and in total by a {@link ReadBudget}
 * (every value, every rendered character and member name is charged): depth alone does not bound the work, since
 * unions nested 8 deep with 5 members each are 488 000 values. Over the budget it throws {@link ReadBudget.Exceeded}.
 */
final class BtfValueRenderer {

    static final int MAX_DEPTH = 8;
    static final int MAX_ARRAY = 256;

    private final Btf btf;
    private final ReadBudget budget;

    BtfValueRenderer(Btf btf, ReadBudget budget) {
        this.btf = btf;
        this.budget = budget;
    }

    /** Renders the variables of DATASEC {@code datasecId} found in {@code data} (a map value). */
    Map<String, Object> datasec(int datasecId, byte[] data) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Btf.DatasecVar v : btf.datasecVars(datasecId)) {
            if (v.offset() + v.size() > data.length) {
                out.put(v.name(), "<beyond map value>");
                continue;
            }
            budget.bytes(v.name().length(), "datasec variable names");
            out.put(v.name().isEmpty() ? "@" + v.offset() : v.name(), value(v.typeId(), data, (int) v.offset(), 0));
        }
        return out;
    }

    Object value(int typeId, byte[] data, int off, int depth) {
        budget.value();
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int t = btf.resolve(typeId);
        long size = btf.sizeOf(t);
        if (off < 0 || size < 0 || off + size > data.length) {
            // (a crafted BTF can give a negative size: the full-tier fuzz's case 386410 then read at offset 4 of 2)
            return "<out of range>";
        }
        if (depth > MAX_DEPTH) {
            return hex(data, off, (int) size);
        }
        budget.bytes(16, "rendered values"); // the value's own object, whatever its kind
        switch (btf.kind(t)) {
            case Btf.KIND_INT: {
                int[] enc = btf.intEncoding(t);
                boolean signed = (enc[2] & 1) != 0;
                boolean bool = (enc[2] & 4) != 0;
                long v = switch ((int) size) {
                    case 1 -> signed ? b.get(off) : b.get(off) & 0xffL;
                    case 2 -> signed ? b.getShort(off) : b.getShort(off) & 0xffffL;
                    case 4 -> signed ? b.getInt(off) : b.getInt(off) & 0xffffffffL;
                    case 8 -> b.getLong(off);
                    default -> Long.MIN_VALUE;
                };
                if (v == Long.MIN_VALUE && size != 8) {
                    return hex(data, off, (int) size);
                }
                if (bool) {
                    return v != 0;
                }
                return size == 8 && !signed && v < 0 ? Long.toUnsignedString(v) : (Object) v;
            }
            case Btf.KIND_ENUM:
            case Btf.KIND_ENUM64:
                return size == 8 ? b.getLong(off) : size == 4 ? (long) b.getInt(off) : hex(data, off, (int) size);
            case Btf.KIND_PTR:
                return String.format("0x%x", b.getLong(off));
            case Btf.KIND_FLOAT:
                return size == 8 ? b.getDouble(off) : size == 4 ? (double) b.getFloat(off) : hex(data, off, (int) size);
            case Btf.KIND_ARRAY: {
                int[] a = btf.array(t);
                int elem = btf.resolve(a[0]);
                long esize = btf.sizeOf(elem);
                long n = Integer.toUnsignedLong(a[1]);
                if (btf.kind(elem) == Btf.KIND_INT && esize == 1 && "char".equals(btf.name(elem))) {
                    int len = 0;
                    while (len < n && data[off + len] != 0) {
                        len++;
                    }
                    budget.bytes(len, "rendered strings");
                    return new String(data, off, len, StandardCharsets.UTF_8);
                }
                if (n > MAX_ARRAY || esize == 0) {
                    return hex(data, off, (int) size);
                }
                List<Object> out = new ArrayList<>((int) n);
                for (int i = 0; i < n; i++) {
                    out.add(value(a[0], data, (int) (off + i * esize), depth + 1));
                }
                return out;
            }
            case Btf.KIND_STRUCT:
            case Btf.KIND_UNION: {
                Map<String, Object> out = new LinkedHashMap<>();
                for (Btf.Member m : btf.members(t)) {
                    budget.bytes(m.name().length() + 16, "rendered member names");
                    String name = m.name().isEmpty() ? "@" + (m.bitOffset() / 8) : m.name();
                    if (m.bitSize() != 0) {
                        // a bitfield's bytes (at most 8 are read) must lie in the value: the offset is the BTF's
                        long first = off + m.bitOffset() / 8;
                        if (first + Math.min(8, (m.bitOffset() % 8 + m.bitSize() + 7) / 8) > data.length) {
                            out.put(name, "<out of range>");
                            continue;
                        }
                        Btf.Field f = new Btf.Field(name, m.bitOffset(), m.bitSize(), btf.sizeOf(m.typeId()),
                                m.typeId());
                        out.put(name, f.read(b, off));
                    } else {
                        out.put(name, value(m.typeId(), data, (int) (off + m.bitOffset() / 8), depth + 1));
                    }
                }
                return out;
            }
            default:
                return hex(data, off, (int) size);
        }
    }

    /** Hex of {@code len} bytes, charged to the budget (two characters per byte). */
    private String hex(byte[] data, int off, int len) {
        budget.bytes(2L * Math.max(0, len), "rendered hex");
        return rawHex(data, off, len);
    }

    static String rawHex(byte[] data, int off, int len) {
        if (off < 0 || off > data.length) {
            return "<out of range>";
        }
        return HexFormat.of().formatHex(data, off, off + Math.max(0, Math.min(len, data.length - off)));
    }
}
