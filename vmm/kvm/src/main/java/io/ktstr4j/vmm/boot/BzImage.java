package io.ktstr4j.vmm.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A parsed x86 bzImage: the real-mode setup header (Documentation/arch/x86/boot.rst) and the protected-mode
 * kernel that follows the setup sectors. Validation covers what the 64-bit boot protocol needs.
 */
public final class BzImage {
    /** Offset of the setup header inside the image. */
    public static final int SETUP_HEADER_OFFSET = 0x1f1;
    /** The setup header runs to 0x268 in protocol 2.15; we copy this many bytes into boot_params. */
    public static final int SETUP_HEADER_END = 0x268;
    public static final int MAGIC_HDRS = 0x53726448; // "HdrS"
    public static final int MIN_PROTOCOL = 0x206;
    public static final int XLF_KERNEL_64 = 1;
    public static final int LOADED_HIGH = 0x01;

    private final String name;
    private final byte[] image;
    private final int protocol;
    private final int setupSects;
    private final int syssize;
    private final int loadflags;
    private final int xloadflags;
    private final long initSize;
    private final long kernelAlignment;
    private final long prefAddress;
    private final int cmdlineSize;
    private final long initrdAddrMax;
    private final boolean relocatable;

    private BzImage(String name, byte[] image) {
        this.name = name;
        this.image = image;
        if (image.length < 0x250) {
            throw new KernelImageException(name + ": truncated: " + image.length
                    + " bytes, too short for an x86 setup header (need at least 0x250 bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        if ((b.getShort(0x1fe) & 0xffff) != 0xaa55 || b.getInt(0x202) != MAGIC_HDRS) {
            throw new KernelImageException(name + ": not a bzImage (no 0xAA55 boot flag at 0x1fe / no \"HdrS\" magic"
                    + " at 0x202); pass a Linux x86 bzImage or an uncompressed vmlinux ELF");
        }
        protocol = b.getShort(0x206) & 0xffff;
        if (protocol < MIN_PROTOCOL) {
            throw new KernelImageException(String.format("%s: boot protocol %d.%02d is too old: 64-bit entry needs %d.%02d"
                    + " or newer (Linux 2.6.26+)", name, protocol >> 8, protocol & 0xff, MIN_PROTOCOL >> 8, MIN_PROTOCOL & 0xff));
        }
        int ss = image[0x1f1] & 0xff;
        setupSects = ss == 0 ? 4 : ss;
        syssize = b.getInt(0x1f4);
        loadflags = image[0x211] & 0xff;
        relocatable = (image[0x234] & 0xff) != 0;
        kernelAlignment = b.getInt(0x230) & 0xffffffffL;
        cmdlineSize = b.getInt(0x238);
        initrdAddrMax = b.getInt(0x22c) & 0xffffffffL;
        xloadflags = protocol >= 0x20c ? b.getShort(0x236) & 0xffff : 0;
        prefAddress = protocol >= 0x20a ? b.getLong(0x258) : 0x100000;
        initSize = protocol >= 0x20a ? b.getInt(0x260) & 0xffffffffL : 0;
        if ((loadflags & LOADED_HIGH) == 0) {
            throw new KernelImageException(name + ": zImage (loaded low) is not supported; LOADED_HIGH is not set");
        }
        if (protocol >= 0x20c && (xloadflags & XLF_KERNEL_64) == 0) {
            throw new KernelImageException(name + ": kernel has no 64-bit entry point (xloadflags lacks XLF_KERNEL_64);"
                    + " build an x86_64 kernel");
        }
        long need = (long) (setupSects + 1) * 512 + (long) syssize * 16;
        if (syssize <= 0 || image.length < need) {
            throw new KernelImageException(String.format("%s: truncated: header says %d setup sectors + %d bytes of"
                    + " kernel (%d bytes), file has %d bytes", name, setupSects, (long) syssize * 16, need, image.length));
        }
    }

    /** Parses and validates {@code image}; {@code name} (usually the path) appears in every error message. */
    public static BzImage parse(String name, byte[] image) {
        return new BzImage(name, image);
    }

    /** True if the bytes start like a bzImage (so callers can choose between this and {@link ElfKernel}). */
    public static boolean looksLike(byte[] head) {
        return head.length >= 0x206 && (head[0x1fe] & 0xff) == 0x55 && (head[0x1ff] & 0xff) == 0xaa
                && head[0x202] == 'H' && head[0x203] == 'd' && head[0x204] == 'r' && head[0x205] == 'S';
    }

    public String name() {
        return name;
    }

    public int protocol() {
        return protocol;
    }

    public int setupSects() {
        return setupSects;
    }

    public int syssize() {
        return syssize;
    }

    public int loadflags() {
        return loadflags;
    }

    public int xloadflags() {
        return xloadflags;
    }

    /** Bytes of memory the kernel needs from its load address while it decompresses and starts. */
    public long initSize() {
        return initSize;
    }

    public long kernelAlignment() {
        return kernelAlignment;
    }

    public long prefAddress() {
        return prefAddress;
    }

    public int cmdlineSize() {
        return cmdlineSize;
    }

    public long initrdAddrMax() {
        return initrdAddrMax;
    }

    public boolean relocatable() {
        return relocatable;
    }

    /** Offset in the file where the protected-mode kernel starts. */
    public int kernelOffset() {
        return (setupSects + 1) * 512;
    }

    /** The protected-mode kernel, loaded at 1 MiB. */
    public byte[] protectedModeKernel() {
        return Arrays.copyOfRange(image, kernelOffset(), image.length);
    }

    /** The setup header bytes 0x1f1..0x268 as they go into boot_params at the same offsets. */
    public byte[] setupHeader() {
        // The jump at 0x200 skips exactly the header, so 0x202 + its displacement is where the header ends.
        int end = Math.min(SETUP_HEADER_END, Math.max(0x250, 0x202 + (image[0x201] & 0xff)));
        return Arrays.copyOfRange(image, SETUP_HEADER_OFFSET, end);
    }
}
