package io.ktstr4j.pipeline.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code kernel import}: an already built kernel into the cache as an entry, with the files that describe it to the
 * monitor. Two layouts are read: a folder of files ({@code bzImage}, {@code System.map}, {@code vmlinux.btf},
 * {@code vmlinux}, {@code config}, {@code scx/}, as the shipped kernel has them), or a built kernel tree
 * ({@code arch/x86/boot/bzImage}, {@code System.map}, {@code vmlinux}, {@code .config}). A {@code vmlinux} is stored
 * with its debug info stripped when {@code objcopy} is there; a compressed {@code vmlinux.zst} is left out (the
 * monitor does not read it; {@code vmlinux.btf} and {@code System.map} serve).
 */
public final class KernelImporter {

    private final KernelCache cache;
    private final HostTools tools;

    public KernelImporter(KernelCache cache, HostTools tools) {
        this.cache = cache;
        this.tools = tools;
    }

    /**
     * What was imported, and what the user should know.
     *
     * @param entry the new entry
     * @param notes files left out or missing (no BTF: the monitor will be off for this kernel)
     */
    public record Imported(CacheEntry entry, List<String> notes) {
    }

    /** The files of a built kernel, found around its image. */
    private record Layout(Path image, Path dir, Path config, boolean tree) {
    }

    /**
     * Imports the kernel at {@code path} (its image, or the folder holding it) as entry {@code key}.
     *
     * @throws KernelException no image there, a bad key, the key taken (without {@code replace}), a copy that failed;
     *                         nothing is left in the cache then
     */
    public Imported importKernel(Path path, String key, boolean replace) {
        CacheKeys.validate(key, "--key");
        Layout l = layout(path);
        if (!replace && Files.exists(cache.root().resolve(key))) {
            throw new KernelException("cache entry " + key + " already exists in " + cache.root()
                    + ": pass --force to replace it, or choose another --key");
        }
        List<String> notes = new ArrayList<>();
        try (EntryStaging staging = cache.stage(key)) {
            Path out = staging.dir();
            Files.copy(l.image(), out.resolve(KernelMetadata.IMAGE));
            Path map = firstFile(l.dir().resolve("System.map"), versioned(l, "System.map-"));
            if (map != null) {
                Files.copy(map, out.resolve("System.map"));
            }
            Path btf = l.dir().resolve("vmlinux.btf");
            if (Files.isRegularFile(btf)) {
                Files.copy(btf, out.resolve("vmlinux.btf"));
            }
            Path vmlinux = firstFile(l.dir().resolve("vmlinux"), versioned(l, "vmlinux-"));
            boolean stripped = vmlinux != null && copyVmlinux(vmlinux, out.resolve("vmlinux"), notes);
            if (l.config() != null) {
                Files.copy(l.config(), out.resolve("config"));
            }
            Path scx = l.dir().resolve("scx");
            if (Files.isDirectory(scx)) {
                Trees.copy(scx, out.resolve("scx"));
            }
            if (Files.exists(l.dir().resolve("vmlinux.zst"))) {
                notes.add("vmlinux.zst left out (the monitor reads vmlinux.btf and System.map, not a compressed "
                        + "vmlinux)");
            }
            boolean symbols = map != null || vmlinux != null;
            boolean types = Files.isRegularFile(btf) || vmlinux != null;
            if (!symbols || !types) {
                notes.add("no System.map/vmlinux.btf (or vmlinux) beside " + l.image().getFileName() + ": the monitor "
                        + "will be off for this kernel");
            }
            String configHash = l.config() == null ? null : Kconfig.crc32(Files.readAllBytes(l.config()));
            KernelMetadata meta = new KernelMetadata(version(l),
                    new KernelSource.Local(l.dir(), l.tree() && KernelInfo.isTopLevel(l.dir()) ? cleanHead(l.dir())
                            : null), KernelMetadata.ARCH, KernelMetadata.IMAGE, configHash, Instant.now().toString(),
                    null, null, vmlinux != null, stripped, vmlinux == null ? null : Files.size(vmlinux),
                    vmlinux == null ? null : Files.getLastModifiedTime(vmlinux).toInstant().getEpochSecond());
            return new Imported(staging.commit(meta, replace), notes);
        } catch (IOException e) {
            throw new KernelException("cannot import " + path + " as " + key + ": " + e, e);
        }
    }

    private static Layout layout(Path path) {
        Path p = path.toAbsolutePath().normalize();
        if (Files.isRegularFile(p)) {
            Path dir = p.getParent();
            return new Layout(p, dir, firstFile(dir.resolve("config"), dir.resolve(".config")), false);
        }
        if (Files.isRegularFile(p.resolve(KernelMetadata.IMAGE))) {
            return new Layout(p.resolve(KernelMetadata.IMAGE), p, firstFile(p.resolve("config"), p.resolve(".config")),
                    false);
        }
        if (Files.isRegularFile(p.resolve(KernelResolver.TREE_IMAGE))) {
            return new Layout(p.resolve(KernelResolver.TREE_IMAGE), p, firstFile(p.resolve(".config")), true);
        }
        throw new KernelException(path + ": no kernel image there (looked for the file itself, " + path
                + "/bzImage and "
                + path + "/" + KernelResolver.TREE_IMAGE + ")");
    }

    /** A built tree's release (kernel.release, else its .config's header); else what {@link KernelInfo} finds. */
    private static String version(Layout l) {
        if (l.tree()) {
            try {
                String release = Files.readString(l.dir().resolve("include/config/kernel.release")).strip();
                if (!release.isEmpty()) {
                    return release;
                }
            } catch (IOException e) {
                // not there: the .config's header says it too
            }
            String fromConfig = l.config() == null ? null : KernelInfo.configVersion(l.config());
            if (fromConfig != null) {
                return fromConfig;
            }
        }
        return KernelInfo.version(l.image());
    }

    /** {@code System.map-6.1.0} beside a Debian-style {@code vmlinuz-6.1.0}. */
    private static Path versioned(Layout l, String prefix) {
        String n = l.image().getFileName().toString();
        return n.startsWith("vmlinuz-") ? l.dir().resolve(prefix + n.substring("vmlinuz-".length())) : null;
    }

    /** Copies a vmlinux with its debug info stripped (objcopy), else as it is; true when stripped. */
    private boolean copyVmlinux(Path from, Path to, List<String> notes) throws IOException {
        Path objcopy = tools.find("objcopy").orElse(null);
        if (objcopy != null) {
            try {
                Process p = new ProcessBuilder(objcopy.toString(), "--strip-debug", from.toString(), to.toString())
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return true;
                }
                p.destroyForcibly();
                notes.add("objcopy --strip-debug " + from + " failed (" + out.strip() + "); copied as it is");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while stripping " + from, e);
            }
        } else {
            notes.add("objcopy not found (apt-get install -y binutils): " + from + " copied with its debug info");
        }
        Files.deleteIfExists(to);
        Files.copy(from, to);
        return false;
    }

    /** The tree's HEAD when clean, as ktstr records a local source (a dirty tree's hash describes nothing). */
    private static String cleanHead(Path tree) {
        String d = Git.describe(tree);
        return d == null || d.endsWith("-dirty") ? null : d;
    }

    private static Path firstFile(Path... candidates) {
        for (Path c : candidates) {
            if (c != null && Files.isRegularFile(c)) {
                return c;
            }
        }
        return null;
    }
}
