package io.ktstr4j.schemas.event;

/**
 * The kernel and initramfs are in guest memory.
 *
 * @param kernel         kernel file path
 * @param format         {@code bzImage} or {@code elf}
 * @param kernelBytes    kernel image size
 * @param initramfsBytes total initramfs size
 * @param cmdline        the full kernel command line
 */
public record KernelLoaded(String kernel, String format, long kernelBytes, long initramfsBytes, String cmdline)
        implements VmEvent {}
