package io.ktstr4j.pipeline.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * One folder of a kernel cache, named by its cache key: valid (metadata read and its image present) or corrupt (then
 * {@code corrupt} says why, and it is never used).
 *
 * @param key      the folder's name
 * @param dir      the folder
 * @param origin   whose cache it is in
 * @param metadata its {@code metadata.json}, or null when that is missing or unreadable
 * @param corrupt  why the entry cannot be used, or null when it can
 */
public record CacheEntry(String key, Path dir, Origin origin, KernelMetadata metadata, String corrupt) {

    /** Whose cache an entry is in. ktstr's entries are read, never changed. */
    public enum Origin {
        KTSTR4J("ktstr4j"), KTSTR("ktstr");

        private final String label;

        Origin(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public boolean valid() {
        return corrupt == null;
    }

    /** The boot image, or null when the metadata is unreadable. */
    public Path image() {
        return metadata == null ? null : dir.resolve(metadata.imageName());
    }

    /** BTF the monitor can read: {@code vmlinux.btf}, or the {@code .BTF} section of a {@code vmlinux}. */
    public boolean hasBtf() {
        return Files.isRegularFile(dir.resolve("vmlinux.btf")) || Files.isRegularFile(dir.resolve("vmlinux"));
    }

    /** Symbols the monitor can read: {@code System.map}, or the symbol table of a {@code vmlinux}. */
    public boolean hasSymbols() {
        return Files.isRegularFile(dir.resolve("System.map")) || Files.isRegularFile(dir.resolve("vmlinux"));
    }

    /** Example sched_ext schedulers in {@code scx/}. */
    public boolean hasScx() {
        Path scx = dir.resolve("scx");
        if (!Files.isDirectory(scx)) {
            return false;
        }
        try (Stream<Path> s = Files.list(scx)) {
            return s.anyMatch(Files::isRegularFile);
        } catch (IOException e) {
            return false;
        }
    }

    /** Bytes on disk. */
    public long sizeBytes() {
        return Trees.size(dir);
    }
}
