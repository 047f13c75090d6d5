package io.ktstr4j.pipeline.kernel;

import java.nio.file.Path;

/**
 * A kernel to boot, found by {@link KernelResolver}.
 *
 * @param image the boot image (bzImage, or an ELF vmlinux)
 * @param label a short name for messages and results: the cache key, else the kernel's version, else the folder name
 * @param from  where it was found, for messages ({@code $KTSTR4J_KERNEL}, {@code ktstr4j cache}, {@code --kernel})
 */
public record ResolvedKernel(Path image, String label, String from) {
}
