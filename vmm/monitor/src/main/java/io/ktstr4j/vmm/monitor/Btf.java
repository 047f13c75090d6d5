package io.ktstr4j.vmm.monitor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A BPF Type Format (BTF) parser: the kernel's own type information, from a raw blob ({@code vmlinux.btf},
 * {@code /sys/kernel/btf/vmlinux}, a BPF program's BTF read from guest memory) or the {@code .BTF} section of a vmlinux.
 * It resolves member paths such as {@code rq.scx.local_dsq.nr} to byte/bit offsets through typedefs, qualifiers,
 * anonymous structs/unions, arrays ({@code lb_count[2]}) and bitfields.
 *
 * <p>A blob may come from guest memory and is then untrusted: every index is checked, type chains are bounded, and a
 * malformed blob raises {@link IllegalArgumentException} naming what is wrong, never a hang.
 */
public final class Btf {

    public static final int MAGIC = 0xeB9F;

    // BTF_KIND_* values (include/uapi/linux/btf.h).
    public static final int KIND_INT = 1, KIND_PTR = 2, KIND_ARRAY = 3, KIND_STRUCT = 4, KIND_UNION = 5, KIND_ENUM = 6,
            KIND_FWD = 7, KIND_TYPEDEF = 8, KIND_VOLATILE = 9, KIND_CONST = 10, KIND_RESTRICT = 11, KIND_FUNC = 12,
            KIND_FUNC_PROTO = 13, KIND_VAR = 14, KIND_DATASEC = 15, KIND_FLOAT = 16, KIND_DECL_TAG = 17,
            KIND_TYPE_TAG = 18, KIND_ENUM64 = 19;

    /** Longest typedef/qualifier/array chain followed before the blob is declared cyclic. */
    static final int MAX_CHAIN = 64;
    /** Deepest anonymous-member nesting searched. */
    static final int MAX_ANON_DEPTH = 16;
    /**
     * Longest name read from the string section, NUL excluded (the kernel's own limit, KSYM_NAME_LEN, is 512). A name
     * without a NUL within it is malformed: without this bound each such name copied the rest of the section, and a
     * blob of 8 MiB with no NUL cost 8 MiB per type name.
     */
    static final int MAX_NAME = 1024;

    /** Where a member lives relative to the start of the outer type. {@code bitSize} is 0 for non-bitfields. */
    public record Field(String path, long bitOffset, int bitSize, long byteSize, int typeId) {
        public long offset() {
            return bitOffset >>> 3;
        }

        public boolean isBitfield() {
            return bitSize != 0;
        }

        /** Extracts this field from the bytes of the outer object (little-endian); bitfields are masked and shifted. */
        public long read(ByteBuffer outer, int base) {
            // Callers on the hot path pass little-endian buffers; others get a little-endian view.
            ByteBuffer b = outer.order() == ByteOrder.LITTLE_ENDIAN ? outer
                    : outer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            if (!isBitfield()) {
                int o = base + (int) offset();
                return switch ((int) byteSize) {
                    case 1 -> b.get(o) & 0xffL;
                    case 2 -> b.getShort(o) & 0xffffL;
                    case 4 -> b.getInt(o) & 0xffffffffL;
                    case 8 -> b.getLong(o);
                    default -> throw new IllegalStateException(path + ": " + byteSize + "-byte field is not a scalar");
                };
            }
            int firstByte = (int) (bitOffset >>> 3);
            int shift = (int) (bitOffset & 7);
            int nbytes = (shift + bitSize + 7) / 8;
            long v = 0;
            for (int i = 0; i < nbytes && i < 8; i++) {
                v |= (b.get(base + firstByte + i) & 0xffL) << (8 * i);
            }
            v >>>= shift;
            return bitSize >= 64 ? v : v & ((1L << bitSize) - 1);
        }
    }

    /** A member of a struct or union as declared (offset relative to its own struct). */
    public record Member(String name, int typeId, long bitOffset, int bitSize) {}

    /** A variable inside a DATASEC ({@code .bss}, {@code .data}): name, type, offset and size in the section. */
    public record DatasecVar(String name, int typeId, long offset, long size) {}

    private final ByteBuffer types;   // the type section only
    private final ByteBuffer strings; // the string section only
    private final int[] kindInfo;     // info word per type id
    private final int[] nameOff;
    private final int[] sizeOrType;
    private final int[] pos;          // position of each type's header inside 'types'
    private final int count;          // number of ids including void (0)
    private Map<String, List<Integer>> byName;

    private Btf(ByteBuffer types, ByteBuffer strings) {
        this.types = types.order(ByteOrder.LITTLE_ENDIAN);
        this.strings = strings.order(ByteOrder.LITTLE_ENDIAN);
        List<int[]> idx = new ArrayList<>();
        idx.add(new int[] {0, 0, 0, -1});
        int p = 0;
        int limit = types.limit();
        while (p < limit) {
            if (p + 12 > limit) {
                throw new IllegalArgumentException("BTF: truncated type header at type offset " + p);
            }
            int name = types.getInt(p);
            int info = types.getInt(p + 4);
            int st = types.getInt(p + 8);
            int kind = (info >>> 24) & 0x1f;
            int vlen = info & 0xffff;
            int extra = switch (kind) {
                case KIND_INT, KIND_VAR, KIND_DECL_TAG -> 4;
                case KIND_ARRAY -> 12;
                case KIND_STRUCT, KIND_UNION -> 12 * vlen;
                case KIND_ENUM -> 8 * vlen;
                case KIND_FUNC_PROTO -> 8 * vlen;
                case KIND_DATASEC -> 12 * vlen;
                case KIND_ENUM64 -> 12 * vlen;
                case KIND_PTR, KIND_FWD, KIND_TYPEDEF, KIND_VOLATILE, KIND_CONST, KIND_RESTRICT, KIND_FUNC, KIND_FLOAT,
                        KIND_TYPE_TAG -> 0;
                default -> throw new IllegalArgumentException("BTF: unknown kind " + kind + " for type id " + idx.size()
                        + " (at type offset " + p + ")");
            };
            if ((long) p + 12 + extra > limit) {
                throw new IllegalArgumentException("BTF: type id " + idx.size() + " runs past the type section");
            }
            idx.add(new int[] {name, info, st, p});
            p += 12 + extra;
        }
        count = idx.size();
        kindInfo = new int[count];
        nameOff = new int[count];
        sizeOrType = new int[count];
        pos = new int[count];
        for (int i = 0; i < count; i++) {
            int[] e = idx.get(i);
            nameOff[i] = e[0];
            kindInfo[i] = e[1];
            sizeOrType[i] = e[2];
            pos[i] = e[3];
        }
    }

    /** Parses a raw BTF blob (starts with the 0xeB9F header). */
    public static Btf parse(ByteBuffer blob) {
        ByteBuffer b = blob.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int base = b.position();
        if (b.remaining() < 24) {
            throw new IllegalArgumentException("BTF: blob of " + b.remaining() + " bytes is shorter than its header");
        }
        int magic = Short.toUnsignedInt(b.getShort(base));
        if (magic != MAGIC) {
            if (Integer.reverseBytes(magic << 16) == MAGIC) {
                throw new IllegalArgumentException("BTF: big-endian blob; only little-endian (x86_64) is supported");
            }
            throw new IllegalArgumentException(String.format("BTF: bad magic 0x%04x (expected 0xeb9f)", magic));
        }
        long hdrLen = Integer.toUnsignedLong(b.getInt(base + 4));
        long typeOff = Integer.toUnsignedLong(b.getInt(base + 8));
        long typeLen = Integer.toUnsignedLong(b.getInt(base + 12));
        long strOff = Integer.toUnsignedLong(b.getInt(base + 16));
        long strLen = Integer.toUnsignedLong(b.getInt(base + 20));
        long total = b.remaining();
        if (hdrLen < 24 || hdrLen + typeOff + typeLen > total || hdrLen + strOff + strLen > total) {
            throw new IllegalArgumentException("BTF: header sections (hdr_len=" + hdrLen + ", type " + typeOff + "+"
                    + typeLen + ", str " + strOff + "+" + strLen + ") exceed the blob of " + total + " bytes");
        }
        ByteBuffer t = b.slice(base + (int) (hdrLen + typeOff), (int) typeLen);
        ByteBuffer s = b.slice(base + (int) (hdrLen + strOff), (int) strLen);
        return new Btf(t, s);
    }

    /** Reads a raw BTF file or a vmlinux ELF (its {@code .BTF} section), whichever {@code file} is. */
    public static Btf load(Path file) {
        try {
            byte[] head = new byte[4];
            try (var in = Files.newInputStream(file)) {
                if (in.readNBytes(head, 0, 4) < 4) {
                    throw new IllegalArgumentException(file + ": too short to be BTF or ELF");
                }
            }
            if (ElfImage.isElf(ByteBuffer.wrap(head))) {
                return fromElf(ElfImage.open(file));
            }
            return parse(ByteBuffer.wrap(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read BTF from " + file, e);
        }
    }

    /** The {@code .BTF} section of a vmlinux. */
    public static Btf fromElf(ElfImage elf) {
        return parse(elf.sectionData(".BTF").orElseThrow(() -> new IllegalArgumentException(
                "vmlinux has no .BTF section: build the kernel with CONFIG_DEBUG_INFO_BTF=y")));
    }

    // ---- raw access ----

    /** Number of type ids, including id 0 (void). */
    public int typeCount() {
        return count;
    }

    public int kind(int id) {
        checkId(id);
        return (kindInfo[id] >>> 24) & 0x1f;
    }

    public int vlen(int id) {
        checkId(id);
        return kindInfo[id] & 0xffff;
    }

    public boolean kindFlag(int id) {
        checkId(id);
        return kindInfo[id] < 0;
    }

    public String name(int id) {
        checkId(id);
        return string(nameOff[id]);
    }

    /** The referenced type id of a PTR/TYPEDEF/qualifier/VAR/FUNC, or the size of a sized kind. */
    public int sizeOrType(int id) {
        checkId(id);
        return sizeOrType[id];
    }

    private void checkId(int id) {
        if (id < 0 || id >= count) {
            throw new IllegalArgumentException("BTF: type id " + id + " out of range (0.." + (count - 1) + ")");
        }
    }

    String string(int off) {
        if (off < 0 || off >= strings.limit()) {
            throw new IllegalArgumentException("BTF: string offset " + off + " outside the string section");
        }
        int end = off;
        int stop = (int) Math.min(strings.limit(), (long) off + MAX_NAME + 1);
        while (end < stop && strings.get(end) != 0) {
            end++;
        }
        if (end == stop) {
            throw new IllegalArgumentException("BTF: string at offset " + off + " has no NUL within " + MAX_NAME
                    + " bytes (or runs past the string section)");
        }
        byte[] b = new byte[end - off];
        strings.get(off, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private synchronized Map<String, List<Integer>> byName() {
        if (byName == null) {
            Map<String, List<Integer>> m = new HashMap<>(count * 2);
            for (int i = 1; i < count; i++) {
                if (nameOff[i] != 0) {
                    m.computeIfAbsent(string(nameOff[i]), k -> new ArrayList<>(1)).add(i);
                }
            }
            byName = m;
        }
        return byName;
    }

    /** The first type of {@code kind} named {@code name}. */
    public OptionalInt find(String name, int kind) {
        for (int id : byName().getOrDefault(name, List.of())) {
            if (kind(id) == kind) {
                return OptionalInt.of(id);
            }
        }
        return OptionalInt.empty();
    }

    /** A struct or union (complete, not FWD) by name, falling back to a typedef of one. */
    public OptionalInt findComposite(String name) {
        OptionalInt s = find(name, KIND_STRUCT);
        if (s.isPresent()) {
            return s;
        }
        s = find(name, KIND_UNION);
        if (s.isPresent()) {
            return s;
        }
        OptionalInt td = find(name, KIND_TYPEDEF);
        if (td.isPresent()) {
            int r = resolve(td.getAsInt());
            if (kind(r) == KIND_STRUCT || kind(r) == KIND_UNION) {
                return OptionalInt.of(r);
            }
        }
        return OptionalInt.empty();
    }

    public boolean hasType(String name) {
        return byName().containsKey(name);
    }

    /** Strips typedefs, const/volatile/restrict and type tags. */
    public int resolve(int id) {
        int cur = id;
        for (int i = 0; i < MAX_CHAIN; i++) {
            switch (kind(cur)) {
                case KIND_TYPEDEF, KIND_VOLATILE, KIND_CONST, KIND_RESTRICT, KIND_TYPE_TAG -> cur = sizeOrType[cur];
                default -> {
                    return cur;
                }
            }
        }
        throw new IllegalArgumentException("BTF: type chain from id " + id + " is longer than " + MAX_CHAIN + " (cyclic?)");
    }

    /** Size in bytes of a type (pointer = 8). */
    public long sizeOf(int id) {
        int cur = id;
        long mult = 1;
        for (int i = 0; i < MAX_CHAIN; i++) {
            if (cur == 0) {
                return 0;
            }
            switch (kind(cur)) {
                case KIND_INT, KIND_STRUCT, KIND_UNION, KIND_ENUM, KIND_ENUM64, KIND_FLOAT, KIND_DATASEC -> {
                    return mult * Integer.toUnsignedLong(sizeOrType[cur]);
                }
                case KIND_PTR -> {
                    return mult * 8;
                }
                case KIND_ARRAY -> {
                    int p = pos[cur] + 12;
                    mult *= Integer.toUnsignedLong(types.getInt(p + 8));
                    cur = types.getInt(p);
                }
                case KIND_TYPEDEF, KIND_VOLATILE, KIND_CONST, KIND_RESTRICT, KIND_TYPE_TAG, KIND_VAR -> cur = sizeOrType[cur];
                default -> throw new IllegalArgumentException("BTF: type id " + cur + " (kind " + kind(cur) + ") has no size");
            }
        }
        throw new IllegalArgumentException("BTF: size chain from id " + id + " is longer than " + MAX_CHAIN);
    }

    public long sizeOf(String compositeName) {
        return sizeOf(findComposite(compositeName).orElseThrow(() -> missing(compositeName)));
    }

    /** Element type id and element count of an ARRAY. */
    public int[] array(int id) {
        if (kind(id) != KIND_ARRAY) {
            throw new IllegalArgumentException("BTF: type id " + id + " is not an array");
        }
        int p = pos[id] + 12;
        return new int[] {types.getInt(p), types.getInt(p + 8)};
    }

    /** Bits and bit offset of an INT ({@code [nrBits, bitOffset, encoding]}). */
    public int[] intEncoding(int id) {
        if (kind(id) != KIND_INT) {
            throw new IllegalArgumentException("BTF: type id " + id + " is not an int");
        }
        int v = types.getInt(pos[id] + 12);
        return new int[] {v & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xf};
    }

    /** Members of a struct or union in declaration order. */
    public List<Member> members(int id) {
        int k = kind(id);
        if (k != KIND_STRUCT && k != KIND_UNION) {
            throw new IllegalArgumentException("BTF: type id " + id + " (" + name(id) + ") is not a struct/union");
        }
        int n = vlen(id);
        boolean kf = kindFlag(id);
        List<Member> out = new ArrayList<>(n);
        int p = pos[id] + 12;
        for (int i = 0; i < n; i++, p += 12) {
            int off = types.getInt(p + 8);
            long bitOff = kf ? (off & 0xffffff) : Integer.toUnsignedLong(off);
            int bitSize = kf ? (off >>> 24) : 0;
            out.add(new Member(string(types.getInt(p)), types.getInt(p + 4), bitOff, bitSize));
        }
        return out;
    }

    /** Enumerator names by value of an ENUM/ENUM64 type named {@code enumName}. */
    public Map<Long, String> enumValues(String enumName) {
        OptionalInt id = find(enumName, KIND_ENUM);
        if (id.isEmpty()) {
            id = find(enumName, KIND_ENUM64);
        }
        if (id.isEmpty()) {
            return Map.of();
        }
        int t = id.getAsInt();
        Map<Long, String> out = new LinkedHashMap<>();
        int p = pos[t] + 12;
        boolean is64 = kind(t) == KIND_ENUM64;
        for (int i = 0; i < vlen(t); i++) {
            String n = string(types.getInt(p));
            long v = is64 ? (Integer.toUnsignedLong(types.getInt(p + 4)) | ((long) types.getInt(p + 8)) << 32)
                    : (kindFlag(t) ? types.getInt(p + 4) : Integer.toUnsignedLong(types.getInt(p + 4)));
            out.putIfAbsent(v, n);
            p += is64 ? 12 : 8;
        }
        return out;
    }

    /** The value of one enumerator (any enum), e.g. {@code SCX_OPS_ENABLED}. */
    public Optional<Long> enumerator(String name) {
        for (int t = 1; t < count; t++) {
            int k = kind(t);
            if (k != KIND_ENUM && k != KIND_ENUM64) {
                continue;
            }
            for (Map.Entry<Long, String> e : enumValuesOf(t).entrySet()) {
                if (e.getValue().equals(name)) {
                    return Optional.of(e.getKey());
                }
            }
        }
        return Optional.empty();
    }

    private Map<Long, String> enumValuesOf(int t) {
        Map<Long, String> out = new LinkedHashMap<>();
        int p = pos[t] + 12;
        boolean is64 = kind(t) == KIND_ENUM64;
        for (int i = 0; i < vlen(t); i++) {
            long v = is64 ? (Integer.toUnsignedLong(types.getInt(p + 4)) | ((long) types.getInt(p + 8)) << 32)
                    : (kindFlag(t) ? types.getInt(p + 4) : Integer.toUnsignedLong(types.getInt(p + 4)));
            out.putIfAbsent(v, string(types.getInt(p)));
            p += is64 ? 12 : 8;
        }
        return out;
    }

    /** Variables of a DATASEC type (e.g. a BPF program's {@code .bss}). */
    public List<DatasecVar> datasecVars(int id) {
        if (kind(id) != KIND_DATASEC) {
            throw new IllegalArgumentException("BTF: type id " + id + " is not a DATASEC");
        }
        List<DatasecVar> out = new ArrayList<>();
        int p = pos[id] + 12;
        for (int i = 0; i < vlen(id); i++, p += 12) {
            int var = types.getInt(p);
            checkId(var);
            String n = kind(var) == KIND_VAR ? name(var) : "";
            int t = kind(var) == KIND_VAR ? sizeOrType[var] : var;
            out.add(new DatasecVar(n, t, Integer.toUnsignedLong(types.getInt(p + 4)),
                    Integer.toUnsignedLong(types.getInt(p + 8))));
        }
        return out;
    }

    // ---- member paths ----

    /**
     * Resolves {@code struct.member.member...}; the first component names a struct/union (or a typedef of one).
     * Components may index arrays: {@code sched_domain.lb_count[1]}. Anonymous members are searched transparently.
     */
    public Field field(String path) {
        return tryField(path).orElseThrow(() -> new NoSuchElementException("BTF: cannot resolve '" + path
                + "' in this kernel's BTF (struct or member missing; kernel version differs?)"));
    }

    /** Like {@link #field} but empty when the struct or any member is absent (used to detect kernel features). */
    public Optional<Field> tryField(String path) {
        String[] parts = path.split("\\.");
        OptionalInt root = findComposite(parts[0]);
        if (root.isEmpty()) {
            return Optional.empty();
        }
        return tryField(root.getAsInt(), path, parts, 1);
    }

    /** Resolves a member path relative to type {@code typeId} (no leading struct name). */
    public Optional<Field> tryFieldIn(int typeId, String memberPath) {
        return tryField(typeId, memberPath, ("." + memberPath).split("\\."), 1);
    }

    private Optional<Field> tryField(int typeId, String path, String[] parts, int from) {
        int cur = typeId;
        long bitOff = 0;
        int bitSize = 0;
        for (int i = from; i < parts.length; i++) {
            String comp = parts[i];
            int idx = -1;
            int br = comp.indexOf('[');
            if (br >= 0) {
                if (!comp.endsWith("]")) {
                    throw new IllegalArgumentException("BTF path '" + path + "': bad index in '" + comp + "'");
                }
                idx = Integer.parseInt(comp.substring(br + 1, comp.length() - 1));
                comp = comp.substring(0, br);
            }
            int c = resolve(cur);
            if (kind(c) != KIND_STRUCT && kind(c) != KIND_UNION) {
                return Optional.empty();
            }
            long[] found = findMember(c, comp, 0, new java.util.HashSet<>());
            if (found == null) {
                return Optional.empty();
            }
            bitOff += found[0];
            bitSize = (int) found[1];
            cur = (int) found[2];
            if (idx >= 0) {
                int a = resolve(cur);
                if (kind(a) != KIND_ARRAY) {
                    return Optional.empty();
                }
                int[] arr = array(a);
                if (idx >= Integer.toUnsignedLong(arr[1]) && arr[1] != 0) {
                    throw new IllegalArgumentException("BTF path '" + path + "': index " + idx + " >= length " + arr[1]);
                }
                bitOff += 8L * idx * sizeOf(arr[0]);
                cur = arr[0];
            }
        }
        long byteSize = bitSize != 0 ? 0 : sizeOf(cur);
        // Old-style int bitfields encode the bits in the INT type itself.
        int r = resolve(cur);
        if (bitSize == 0 && kind(r) == KIND_INT) {
            int[] enc = intEncoding(r);
            if (enc[1] != 0 || enc[0] != byteSize * 8) {
                bitOff += enc[1];
                bitSize = enc[0];
                byteSize = 0;
            }
        }
        if (bitSize != 0) {
            byteSize = sizeOf(cur);
        }
        return Optional.of(new Field(path, bitOff, bitSize, byteSize, cur));
    }

    /**
     * {bitOffset, bitSize, typeId} of a named member, searching anonymous members; null when absent. Each composite is
     * searched once per lookup ({@code searched}): anonymous members that share or repeat types (a crafted BTF whose
     * struct holds itself five times anonymously) made this search exponential in the nesting depth.
     */
    private long[] findMember(int composite, String name, int depth, java.util.Set<Integer> searched) {
        if (depth > MAX_ANON_DEPTH || !searched.add(composite)) {
            return null;
        }
        List<Member> ms = members(composite);
        for (Member m : ms) {
            if (m.name().equals(name)) {
                return new long[] {m.bitOffset(), m.bitSize(), m.typeId()};
            }
        }
        for (Member m : ms) {
            if (m.name().isEmpty()) {
                int t = resolve(m.typeId());
                if (kind(t) == KIND_STRUCT || kind(t) == KIND_UNION) {
                    long[] inner = findMember(t, name, depth + 1, searched);
                    if (inner != null) {
                        inner[0] += m.bitOffset();
                        return inner;
                    }
                }
            }
        }
        return null;
    }

    /** A readable C-ish name for a type id (for reports and errors). */
    public String typeName(int id) {
        StringBuilder suffix = new StringBuilder();
        int cur = id;
        for (int i = 0; i < MAX_CHAIN; i++) {
            if (cur == 0) {
                return "void" + suffix;
            }
            switch (kind(cur)) {
                case KIND_PTR -> {
                    suffix.insert(0, " *");
                    cur = sizeOrType[cur];
                }
                case KIND_CONST, KIND_VOLATILE, KIND_RESTRICT, KIND_TYPE_TAG -> cur = sizeOrType[cur];
                case KIND_ARRAY -> {
                    int[] a = array(cur);
                    suffix.append('[').append(Integer.toUnsignedString(a[1])).append(']');
                    cur = a[0];
                }
                case KIND_STRUCT -> {
                    return "struct " + name(cur) + suffix;
                }
                case KIND_UNION -> {
                    return "union " + name(cur) + suffix;
                }
                case KIND_ENUM, KIND_ENUM64 -> {
                    return "enum " + name(cur) + suffix;
                }
                default -> {
                    return name(cur) + suffix;
                }
            }
        }
        return "?";
    }

    static NoSuchElementException missing(String what) {
        return new NoSuchElementException("BTF: type '" + what + "' not found (kernel built without it?)");
    }
}
