package io.ktstr4j.vmm.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * An uncompressed x86_64 {@code vmlinux} ELF. Its PT_LOAD segments are copied to their physical addresses and the
 * vCPU enters {@code e_entry} (startup_64) directly in long mode with boot_params in RSI, as Firecracker does,
 * which skips the bzImage decompressor.
 */
public final class ElfKernel {
    public static final int PT_LOAD = 1;

    /** One loadable segment: {@code fileSize} bytes from {@code fileOffset} go to {@code paddr}, zero-filled to {@code memSize}. */
    public record Segment(long paddr, long fileOffset, long fileSize, long memSize) {}

    private final String name;
    private final byte[] image;
    private final long entry;
    private final List<Segment> segments;

    private ElfKernel(String name, byte[] image) {
        this.name = name;
        this.image = image;
        if (!looksLike(image)) {
            throw new KernelImageException(name + ": not an ELF file (no \\x7fELF magic)");
        }
        if (image.length < 64) {
            throw new KernelImageException(name + ": truncated ELF header (" + image.length + " bytes, need 64)");
        }
        if (image[4] != 2 || image[5] != 1) {
            throw new KernelImageException(name + ": not a little-endian ELF64 file (EI_CLASS=" + image[4]
                    + ", EI_DATA=" + image[5] + "); the KVM backend boots x86_64 kernels");
        }
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int machine = b.getShort(18) & 0xffff;
        if (machine != 62) {
            throw new KernelImageException(name + ": ELF machine " + machine + " is not x86_64 (62)");
        }
        entry = b.getLong(24);
        long phoff = b.getLong(32);
        int phentsize = b.getShort(54) & 0xffff;
        int phnum = b.getShort(56) & 0xffff;
        if (phentsize < 56 || phoff < 0 || phoff + (long) phnum * phentsize > image.length) {
            throw new KernelImageException(name + ": truncated: program headers (" + phnum + " x " + phentsize
                    + " at " + phoff + ") run past the end of the file (" + image.length + " bytes)");
        }
        List<Segment> segs = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int o = (int) (phoff + (long) i * phentsize);
            if (b.getInt(o) != PT_LOAD) {
                continue;
            }
            long off = b.getLong(o + 8);
            long paddr = b.getLong(o + 24);
            long filesz = b.getLong(o + 32);
            long memsz = b.getLong(o + 40);
            if (off < 0 || filesz < 0 || off + filesz > image.length) {
                throw new KernelImageException(name + ": truncated: PT_LOAD segment " + i + " needs bytes up to "
                        + (off + filesz) + ", file has " + image.length);
            }
            segs.add(new Segment(paddr, off, filesz, memsz));
        }
        if (segs.isEmpty()) {
            throw new KernelImageException(name + ": ELF has no PT_LOAD segments");
        }
        segments = List.copyOf(segs);
    }

    public static ElfKernel parse(String name, byte[] image) {
        return new ElfKernel(name, image);
    }

    public static boolean looksLike(byte[] head) {
        return head.length >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
    }

    public String name() {
        return name;
    }

    /** Physical entry address (startup_64). */
    public long entry() {
        return entry;
    }

    public List<Segment> segments() {
        return segments;
    }

    /** Lowest physical address loaded. */
    public long lowestAddress() {
        return segments.stream().mapToLong(Segment::paddr).min().orElseThrow();
    }

    /** One past the highest physical byte any segment occupies. */
    public long highestAddress() {
        return segments.stream().mapToLong(s -> s.paddr() + s.memSize()).max().orElseThrow();
    }

    public byte[] image() {
        return image;
    }
}
