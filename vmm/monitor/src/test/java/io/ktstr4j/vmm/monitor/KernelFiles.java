package io.ktstr4j.vmm.monitor;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Locates the shipped test kernel's files; tests skip (with the reason) when they are absent. */
final class KernelFiles {

    private KernelFiles() {}

    static Path dir() {
        String prop = System.getProperty("ktstr.kernelDir");
        if (prop != null) {
            return Path.of(prop);
        }
        String root = System.getProperty("ktstr.projectRoot", "../..");
        Path p = Path.of(root).resolve("../shared/kernels/6.12.117-scx").normalize();
        return Files.isDirectory(p) ? p : Path.of("/work/shared/kernels/6.12.117-scx");
    }

    static Path require(String name) {
        Path p = dir().resolve(name);
        assumeTrue(Files.isReadable(p), "shipped kernel file " + p + " is absent (set -Dktstr.kernelDir)");
        return p;
    }

    private static Path vmlinux;

    /** vmlinux.zst decompressed once per JVM into a temp file (deleted on exit). */
    static synchronized Path vmlinux() throws IOException {
        if (vmlinux == null) {
            Path zst = require("vmlinux.zst");
            Path out = Files.createTempFile("ktstr-vmlinux", ".elf");
            out.toFile().deleteOnExit();
            try (InputStream in = new ZstdInputStream(Files.newInputStream(zst));
                 OutputStream os = Files.newOutputStream(out)) {
                in.transferTo(os);
            }
            vmlinux = out;
        }
        return vmlinux;
    }

    /** The directory holding pahole outputs stored beside the tests (module-relative). */
    static Path paholeDir() {
        Path p = Path.of("src/test/java/io/ktstr4j/vmm/monitor/pahole");
        if (!Files.isDirectory(p)) {
            p = Path.of(System.getProperty("ktstr.projectRoot", ".")).resolve("vmm/monitor").resolve(p);
        }
        return p;
    }

    static void copy(Path from, Path to) throws IOException {
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
}
