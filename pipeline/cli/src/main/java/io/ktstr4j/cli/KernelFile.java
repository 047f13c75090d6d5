package io.ktstr4j.cli;

import io.ktstr4j.vmm.boot.BzImage;
import io.ktstr4j.vmm.boot.ElfKernel;
import io.ktstr4j.vmm.boot.KernelImageException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks the kernel a run will boot before any VM starts, with the same parsers the KVM backend boots with
 * ({@link BzImage}, {@link ElfKernel}): a folder, an empty, short, truncated or non-x86 file is refused here with its
 * name, instead of failing inside a backend (or, for a few hundred bytes, with an index error and no name).
 */
final class KernelFile {

    private KernelFile() {}

    /** Null when {@code kernel} is a bootable x86_64 bzImage or vmlinux ELF, else why not (naming the file). */
    static String problem(Path kernel) {
        if (!Files.exists(kernel)) {
            return kernel + " does not exist";
        }
        if (Files.isDirectory(kernel)) {
            return kernel + " is a directory, not a kernel image (bzImage or vmlinux)";
        }
        if (!Files.isRegularFile(kernel)) {
            return kernel + " is not a regular file (expected a bzImage or vmlinux)";
        }
        byte[] image;
        try {
            image = Files.readAllBytes(kernel);
        } catch (AccessDeniedException e) {
            return kernel + " is not readable (permission denied)";
        } catch (IOException | OutOfMemoryError e) {
            return kernel + " cannot be read: " + e.getMessage();
        }
        if (image.length == 0) {
            return kernel + " is empty (expected a bzImage or vmlinux)";
        }
        try {
            if (ElfKernel.looksLike(image)) {
                ElfKernel.parse(kernel.toString(), image);
            } else if (image.length < BzImage.SETUP_HEADER_END) {
                return kernel + ": " + image.length + " bytes is too short for a bzImage (its setup header alone ends at "
                        + "byte 0x" + Integer.toHexString(BzImage.SETUP_HEADER_END) + ") and it is not an ELF vmlinux";
            } else {
                BzImage.parse(kernel.toString(), image);
            }
            return null;
        } catch (KernelImageException e) {
            return e.getMessage();
        } catch (RuntimeException e) { // a parser's index error on a corrupt header: still name the file
            return kernel + ": not a usable kernel image (" + e + ")";
        }
    }
}
