package io.ktstr4j.vmm.x86.acpi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few AML encodings the DSDT needs (ACPI 6.5 §20): Scope, Device, Name, integers, EISA ids and resource templates
 * with 16-bit I/O ranges and IRQs. Byte layout only; no interpreter.
 */
public final class Aml {
    static final int ZERO_OP = 0x00;
    static final int ONE_OP = 0x01;
    static final int NAME_OP = 0x08;
    static final int BYTE_PREFIX = 0x0A;
    static final int DWORD_PREFIX = 0x0C;
    static final int SCOPE_OP = 0x10;
    static final int BUFFER_OP = 0x11;
    static final int EXT_OP_PREFIX = 0x5B;
    static final int DEVICE_OP = 0x82;

    private Aml() {}

    /** {@code Scope (path) { body }}; {@code path} like {@code \_SB_}. */
    public static byte[] scope(String path, byte[]... body) {
        return withPkgLength(new byte[] {(byte) SCOPE_OP}, cat(nameString(path), cat(body)));
    }

    /** {@code Device (name) { body }}. */
    public static byte[] device(String name, byte[]... body) {
        return withPkgLength(new byte[] {(byte) EXT_OP_PREFIX, (byte) DEVICE_OP}, cat(nameSeg(name), cat(body)));
    }

    /** {@code Name (name, value)}. */
    public static byte[] name(String name, byte[] value) {
        return cat(new byte[] {(byte) NAME_OP}, nameSeg(name), value);
    }

    /** The smallest integer encoding of {@code v} (ZeroOp, OneOp, ByteConst, DWordConst). */
    public static byte[] integer(long v) {
        if (v == 0) {
            return new byte[] {(byte) ZERO_OP};
        }
        if (v == 1) {
            return new byte[] {(byte) ONE_OP};
        }
        if (v > 0 && v <= 0xff) {
            return new byte[] {(byte) BYTE_PREFIX, (byte) v};
        }
        if (v > 0 && v <= 0xffffffffL) {
            return new byte[] {(byte) DWORD_PREFIX, (byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
        }
        throw new IllegalArgumentException("AML integer out of range: " + v);
    }

    /** {@code EisaId("PNP0501")}: three letters of 5 bits and four hex digits, as a DWordConst in that byte order. */
    public static byte[] eisaId(String id) {
        if (!id.matches("[A-Z]{3}[0-9A-F]{4}")) {
            throw new IllegalArgumentException("EISA id must be 3 capitals and 4 hex digits: " + id);
        }
        int vendor = (id.charAt(0) - '@') << 10 | (id.charAt(1) - '@') << 5 | (id.charAt(2) - '@');
        int product = Integer.parseInt(id.substring(3), 16);
        return new byte[] {(byte) DWORD_PREFIX, (byte) (vendor >>> 8), (byte) vendor, (byte) (product >>> 8),
                (byte) product};
    }

    /** A {@code ResourceTemplate} buffer of the given descriptors, closed with an end tag. */
    public static byte[] resourceTemplate(byte[]... descriptors) {
        byte[] items = cat(cat(descriptors), new byte[] {0x79, 0x00}); // End Tag, checksum 0 = "treat as correct"
        return withPkgLength(new byte[] {(byte) BUFFER_OP}, cat(integer(items.length), items));
    }

    /** {@code IO (Decode16, base, base, 0, length)}: a fixed 16-bit I/O port range. */
    public static byte[] io(int base, int length) {
        return new byte[] {0x47, 0x01, (byte) base, (byte) (base >>> 8), (byte) base, (byte) (base >>> 8), 0x00,
                (byte) length};
    }

    /** {@code IRQNoFlags () {irq}}: an ISA IRQ, edge-triggered, active high. */
    public static byte[] irqNoFlags(int irq) {
        if (irq < 0 || irq > 15) {
            throw new IllegalArgumentException("ISA IRQ must be 0..15: " + irq);
        }
        int mask = 1 << irq;
        return new byte[] {0x22, (byte) mask, (byte) (mask >>> 8)};
    }

    /** A NameSeg: 4 characters, padded with '_'. */
    static byte[] nameSeg(String s) {
        if (s.isEmpty() || s.length() > 4 || !s.matches("[A-Z_][A-Z0-9_]*")) {
            throw new IllegalArgumentException("AML name segment must be 1-4 of [A-Z0-9_], not starting with a digit: "
                    + s);
        }
        return (s + "___".substring(0, 4 - s.length())).getBytes(StandardCharsets.US_ASCII);
    }

    /** A NameString: an optional root prefix and one segment (all the DSDT needs). */
    static byte[] nameString(String path) {
        return path.startsWith("\\") ? cat(new byte[] {'\\'}, nameSeg(path.substring(1))) : nameSeg(path);
    }

    /** {@code op PkgLength body}: PkgLength counts itself and the body (1 to 4 bytes, §20.2.4). */
    static byte[] withPkgLength(byte[] op, byte[] body) {
        int n = body.length;
        byte[] pkg;
        if (n + 1 < 0x40) {
            pkg = new byte[] {(byte) (n + 1)};
        } else if (n + 2 < 0x1000) {
            int len = n + 2;
            pkg = new byte[] {(byte) (0x40 | (len & 0x0f)), (byte) (len >>> 4)};
        } else if (n + 3 < 0x100000) {
            int len = n + 3;
            pkg = new byte[] {(byte) (0x80 | (len & 0x0f)), (byte) (len >>> 4), (byte) (len >>> 12)};
        } else {
            int len = n + 4;
            pkg = new byte[] {(byte) (0xc0 | (len & 0x0f)), (byte) (len >>> 4), (byte) (len >>> 12),
                    (byte) (len >>> 20)};
        }
        return cat(op, pkg, body);
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
