package io.ktstr4j.vmm.monitor;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Writes small synthetic BTF blobs for tests (hostile chains, program BTF with a .bss DATASEC, newer kernels' types). */
final class BtfBuilder {

    private final ByteArrayOutputStream types = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final Map<String, Integer> strOff = new HashMap<>();
    private int next = 1;

    BtfBuilder() {
        strings.write(0);
        strOff.put("", 0);
    }

    private int str(String s) {
        return strOff.computeIfAbsent(s, k -> {
            int off = strings.size();
            strings.writeBytes(k.getBytes(StandardCharsets.UTF_8));
            strings.write(0);
            return off;
        });
    }

    private void u32(int v) {
        types.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    private int header(String name, int kind, int vlen, boolean kindFlag, int sizeOrType) {
        u32(str(name));
        u32((kindFlag ? 1 << 31 : 0) | kind << 24 | vlen);
        u32(sizeOrType);
        return next++;
    }

    int intType(String name, int bytes, boolean signed) {
        int id = header(name, Btf.KIND_INT, 0, false, bytes);
        u32((signed ? 1 : 0) << 24 | bytes * 8);
        return id;
    }

    int boolType() {
        int id = header("_Bool", Btf.KIND_INT, 0, false, 1);
        u32(4 << 24 | 8); // BTF_INT_BOOL
        return id;
    }

    int ptr(int target) {
        return header("", Btf.KIND_PTR, 0, false, target);
    }

    int typedef(String name, int target) {
        return header(name, Btf.KIND_TYPEDEF, 0, false, target);
    }

    int array(int elem, int indexType, int n) {
        int id = header("", Btf.KIND_ARRAY, 0, false, 0);
        u32(elem);
        u32(indexType);
        u32(n);
        return id;
    }

    /** A union: members as for {@link #struct}. */
    int union(String name, int size, Object... members) {
        return composite(Btf.KIND_UNION, name, size, members);
    }

    /** members: name, typeId, bitOffset, bitSize (bitSize 0 = plain). Bitfields set kind_flag. */
    int struct(String name, int size, Object... members) {
        return composite(Btf.KIND_STRUCT, name, size, members);
    }

    private int composite(int kind, String name, int size, Object... members) {
        boolean kf = false;
        for (int i = 3; i < members.length; i += 4) {
            kf |= (int) members[i] != 0;
        }
        int id = header(name, kind, members.length / 4, kf, size);
        for (int i = 0; i < members.length; i += 4) {
            u32(str((String) members[i]));
            u32((int) members[i + 1]);
            int bitOff = (int) members[i + 2];
            int bits = (int) members[i + 3];
            u32(kf ? bits << 24 | bitOff : bitOff);
        }
        return id;
    }

    int var(String name, int type) {
        int id = header(name, Btf.KIND_VAR, 0, false, type);
        u32(1);
        return id;
    }

    /** vars: varId, offset, size triples. */
    int datasec(String name, int size, int... vars) {
        int id = header(name, Btf.KIND_DATASEC, vars.length / 3, false, size);
        for (int v : vars) {
            u32(v);
        }
        return id;
    }

    ByteBuffer build() {
        byte[] t = types.toByteArray();
        byte[] s = strings.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(24 + t.length + s.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) Btf.MAGIC).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(t.length)
                .putInt(t.length).putInt(s.length).put(t).put(s);
        return b.flip();
    }

    byte[] bytes() {
        ByteBuffer b = build();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
