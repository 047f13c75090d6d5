package io.ktstr4j.vmm.monitor;

import io.ktstr4j.vmm.ArrayGuestMemory;
import java.nio.ByteBuffer;

/** Copies a real vmlinux's PT_LOAD segments into a synthetic guest memory, as a boot loader + decompressor would. */
final class KernelImageLoader {

    private KernelImageLoader() {}

    /** Loads every segment at {@code paddr + shift} and, like early boot, stores {@code shift} into phys_base. */
    static void load(ElfImage elf, ArrayGuestMemory mem, SymbolMap syms, long shift) {
        for (ElfImage.Segment s : elf.loadSegments()) {
            ByteBuffer b = elf.bytes(s.offset(), s.fileSize());
            byte[] data = new byte[b.remaining()];
            b.get(data);
            mem.write(s.paddr() + shift, data, 0, data.length);
        }
        mem.writeU64(syms.require("phys_base") - GuestAddressSpace.START_KERNEL_MAP + shift, shift);
    }
}
