package io.ktstr4j.vmm.boot;

import io.ktstr4j.vmm.VmConfigException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A validated kernel (bzImage or vmlinux ELF) plus initramfs and command line, read into memory before any VM
 * exists, so every bad input fails with a clear message first. {@link KernelLoader} writes it into guest RAM.
 */
public final class BootImage {
    /** RAM the kernel needs beyond its image and initramfs to get to init (page tables, slab, per-CPU areas). */
    public static final long RUNTIME_HEADROOM = 48L << 20;

    private final Path kernelPath;
    private final BzImage bzImage;
    private final ElfKernel elf;
    private final byte[] initramfs;
    private final byte[] cmdline;
    private final long kernelFileBytes;

    private BootImage(Path kernelPath, BzImage bz, ElfKernel elf, byte[] initramfs, byte[] cmdline, long kernelFileBytes) {
        this.kernelPath = kernelPath;
        this.bzImage = bz;
        this.elf = elf;
        this.initramfs = initramfs;
        this.cmdline = cmdline;
        this.kernelFileBytes = kernelFileBytes;
    }

    /**
     * Reads and validates everything.
     *
     * @throws VmConfigException naming the bad file and what is wrong with it
     */
    public static BootImage prepare(Path kernel, List<Path> initramfs, String cmdline) {
        if (kernel == null) {
            throw new VmConfigException("kernel: no kernel image given");
        }
        byte[] image;
        try {
            image = Files.readAllBytes(kernel);
        } catch (IOException e) {
            throw new VmConfigException("kernel: cannot read " + kernel + ": " + e, e);
        }
        BzImage bz = null;
        ElfKernel elf = null;
        try {
            if (ElfKernel.looksLike(image)) {
                elf = ElfKernel.parse(kernel.toString(), image);
            } else {
                bz = BzImage.parse(kernel.toString(), image);
            }
        } catch (KernelImageException e) {
            throw new VmConfigException("kernel: " + e.getMessage(), e);
        }
        ByteArrayOutputStream rd = new ByteArrayOutputStream();
        for (Path p : initramfs) {
            try {
                rd.writeBytes(Files.readAllBytes(p));
            } catch (IOException e) {
                throw new VmConfigException("initramfs: cannot read " + p + ": " + e, e);
            }
            while (rd.size() % 4 != 0) {
                rd.write(0); // the kernel's unpacker skips zero padding between concatenated archives
            }
        }
        byte[] cmd = cmdline.getBytes(StandardCharsets.US_ASCII);
        int max = bz != null && bz.cmdlineSize() > 0 ? Math.min(bz.cmdlineSize(), io.ktstr4j.vmm.x86.Layout.CMDLINE_MAX - 1)
                : io.ktstr4j.vmm.x86.Layout.CMDLINE_MAX - 1;
        if (cmd.length > max) {
            throw new VmConfigException("kargs: the kernel command line is " + cmd.length + " bytes, the kernel accepts "
                    + max + "; drop some kargs");
        }
        return new BootImage(kernel, bz, elf, rd.toByteArray(), cmd, image.length);
    }

    public Path kernelPath() {
        return kernelPath;
    }

    public boolean isElf() {
        return elf != null;
    }

    /** {@code bzImage} or {@code elf}, as KernelLoaded reports it. */
    public String format() {
        return elf != null ? "elf" : "bzImage";
    }

    public BzImage bzImage() {
        return bzImage;
    }

    public ElfKernel elf() {
        return elf;
    }

    public byte[] initramfs() {
        return initramfs;
    }

    public byte[] cmdline() {
        return cmdline;
    }

    public String cmdlineString() {
        return new String(cmdline, StandardCharsets.US_ASCII);
    }

    public long kernelFileBytes() {
        return kernelFileBytes;
    }

    /** Highest physical address the kernel touches while it decompresses and starts (before it has its own allocator). */
    public long kernelEnd() {
        if (elf != null) {
            return elf.highestAddress();
        }
        long loadEnd = io.ktstr4j.vmm.x86.Layout.HIMEM + bzImage.protectedModeKernel().length;
        // a relocatable kernel moves itself to pref_address and needs init_size from there
        return Math.max(loadEnd, Math.max(bzImage.prefAddress(), io.ktstr4j.vmm.x86.Layout.HIMEM) + bzImage.initSize());
    }

    /** The least guest RAM (bytes, before the SHM region) this kernel and initramfs can boot in. */
    public long minimumRamBytes() {
        return align(kernelEnd(), 2L << 20) + align(initramfs.length, 2L << 20) + RUNTIME_HEADROOM;
    }

    static long align(long v, long a) {
        return (v + a - 1) / a * a;
    }
}
