package io.ktstr4j.pipeline.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Cache entries made by hand in a test's temp folders. */
final class CacheFixture {

    private CacheFixture() {
    }

    /** A valid entry {@code key} in {@code root}, built at {@code builtAt}, with the monitor's files. */
    static Path entry(Path root, String key, String builtAt) throws IOException {
        Path dir = Files.createDirectories(root.resolve(key));
        Files.writeString(dir.resolve("bzImage"), "kernel " + key);
        Files.writeString(dir.resolve("System.map"), "ffffffff81000000 T _stext\n");
        Files.writeString(dir.resolve("vmlinux.btf"), "btf");
        new KernelMetadata("6.12." + key.length(), new KernelSource.Tarball(), "x86_64", "bzImage", null, builtAt,
                null, null, false, false, null, null).write(dir);
        return dir;
    }
}
