package io.ktstr4j.vmm.x86;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** The 4 KiB boot_params "zero page" (arch/x86/include/uapi/asm/bootparam.h). */
public final class BootParams {
    public static final int SIZE = 4096;
    public static final int E820_ENTRIES = 0x1e8;
    public static final int SETUP_HEADER = 0x1f1;
    public static final int TYPE_OF_LOADER = 0x210;
    public static final int LOADFLAGS = 0x211;
    public static final int RAMDISK_IMAGE = 0x218;
    public static final int RAMDISK_SIZE = 0x21c;
    public static final int HEAP_END_PTR = 0x224;
    public static final int CMD_LINE_PTR = 0x228;
    public static final int CMDLINE_SIZE = 0x238;
    public static final int EXT_RAMDISK_IMAGE = 0xc0;
    public static final int EXT_RAMDISK_SIZE = 0xc4;
    public static final int EXT_CMD_LINE_PTR = 0xc8;
    public static final int E820_TABLE = 0x2d0;
    public static final int ACPI_RSDP_ADDR = 0x070;

    private final ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);

    /** Starts from the kernel's own setup header (bzImage) or a synthesized one (ELF vmlinux: {@code header == null}). */
    public BootParams(byte[] header) {
        if (header != null) {
            b.put(SETUP_HEADER, header, 0, Math.min(header.length, 0x268 - SETUP_HEADER));
        } else {
            b.putShort(0x1fe, (short) 0xaa55);
            b.putInt(0x202, 0x53726448);
            b.putShort(0x206, (short) 0x20c);
            b.putInt(0x230, 0x1000000); // kernel_alignment
        }
        b.put(TYPE_OF_LOADER, (byte) 0xff); // undefined loader
        // CAN_USE_HEAP; keep LOADED_HIGH as given by the kernel
        b.put(LOADFLAGS, (byte) (b.get(LOADFLAGS) | 0x80 | 0x01));
        b.putShort(HEAP_END_PTR, (short) 0xfe00);
    }

    public BootParams cmdline(long addr, int sizeWithoutNul) {
        b.putInt(CMD_LINE_PTR, (int) addr);
        b.putInt(EXT_CMD_LINE_PTR, (int) (addr >>> 32));
        b.putInt(CMDLINE_SIZE, sizeWithoutNul);
        return this;
    }

    public BootParams ramdisk(long addr, long size) {
        b.putInt(RAMDISK_IMAGE, (int) addr);
        b.putInt(EXT_RAMDISK_IMAGE, (int) (addr >>> 32));
        b.putInt(RAMDISK_SIZE, (int) size);
        b.putInt(EXT_RAMDISK_SIZE, (int) (size >>> 32));
        return this;
    }

    public BootParams acpiRsdp(long addr) {
        b.putLong(ACPI_RSDP_ADDR, addr);
        return this;
    }

    public BootParams e820(List<E820Map.Entry> entries) {
        if (entries.size() > E820Map.MAX_ENTRIES) {
            throw new IllegalArgumentException("too many E820 entries: " + entries.size());
        }
        b.put(E820_ENTRIES, (byte) entries.size());
        int o = E820_TABLE;
        for (E820Map.Entry e : entries) {
            b.putLong(o, e.addr());
            b.putLong(o + 8, e.size());
            b.putInt(o + 16, e.type());
            o += 20;
        }
        return this;
    }

    public byte[] bytes() {
        return b.array().clone();
    }
}
