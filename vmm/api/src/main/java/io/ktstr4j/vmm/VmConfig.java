package io.ktstr4j.vmm;

import io.ktstr4j.schemas.topology.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a backend needs to boot one test VM.
 *
 * @param kernel     bzImage or uncompressed vmlinux ELF
 * @param initramfs  cpio archives (optionally compressed), concatenated in order
 * @param topology   the CPU topology the guest must see
 * @param memoryMb   guest RAM including the SHM region
 * @param kargs      extra kernel arguments appended to the guest contract (protected ones are refused)
 * @param shmBytes   size of the guest→host SHM ring carved from the top of RAM (0 = none)
 * @param watchdog   a VM still running after this long is killed ({@code VmExited} with WATCHDOG_TIMEOUT)
 * @param verbose    kernel prints at loglevel 7 instead of 0
 */
public record VmConfig(
        Path kernel,
        List<Path> initramfs,
        Topology topology,
        long memoryMb,
        List<String> kargs,
        long shmBytes,
        Duration watchdog,
        boolean verbose) {

    public static final long DEFAULT_SHM_BYTES = 16L << 20;
    public static final Duration DEFAULT_WATCHDOG = Duration.ofSeconds(60);

    public VmConfig {
        initramfs = List.copyOf(initramfs);
        kargs = List.copyOf(kargs);
    }
}
