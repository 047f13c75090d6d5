package io.ktstr4j.pipeline.kernel;

import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ktstr4j.schemas.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * A cache entry's {@code metadata.json}, in ktstr's layout so that either tool reads the other's entries. Read
 * leniently (unknown fields ignored, ktstr's older and newer spellings of {@code source} accepted, a missing
 * {@code image_name} taken as {@code bzImage}); written exactly as ktstr writes it, every field present.
 *
 * @param version                kernel release ({@code 6.12.117}), or null
 * @param source                 where the source came from, or null when the file does not say
 * @param arch                   {@code x86_64}
 * @param imageName              the boot image's file name in the entry ({@code bzImage})
 * @param configHash             CRC32 (8 hex) of the final {@code .config}, or null
 * @param builtAt                ISO 8601 time of the build
 * @param ktstrKconfigHash       CRC32 (8 hex) of the config fragment the build merged, or null
 * @param extraKconfigHash       CRC32 of ktstr's {@code --extra-kconfig} fragment; ktstr4j has none (null)
 * @param hasVmlinux             a {@code vmlinux} ELF sits in the entry
 * @param vmlinuxStripped        that vmlinux had its debug info stripped
 * @param sourceVmlinuxSize      size of the build tree's vmlinux when the entry was made, or null
 * @param sourceVmlinuxMtimeSecs its modification time (seconds since the epoch), or null
 */
public record KernelMetadata(String version, KernelSource source, String arch, String imageName, String configHash,
                             String builtAt, String ktstrKconfigHash, String extraKconfigHash, boolean hasVmlinux,
                             boolean vmlinuxStripped, Long sourceVmlinuxSize, Long sourceVmlinuxMtimeSecs) {

    /** The file's name inside an entry. */
    public static final String FILE = "metadata.json";
    /** The only architecture ktstr4j boots. */
    public static final String ARCH = "x86_64";
    /** The boot image's name in entries ktstr4j writes. */
    public static final String IMAGE = "bzImage";

    /** serde_json's pretty form: two-space indent, {@code "key": value}. */
    private static final DefaultPrettyPrinter SERDE_PRETTY = new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new com.fasterxml.jackson.core.util.DefaultIndenter("  ", "\n"));

    /** The build time as an instant, for ordering entries; null when it does not parse. */
    public Instant builtAtInstant() {
        if (builtAt == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(builtAt).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(builtAt);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    /** ktstr's {@code metadata.json} object: every field, in ktstr's order, nulls included. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("version", version);
        o.set("source", source == null ? null : source.toJson());
        o.put("arch", arch);
        o.put("image_name", imageName);
        o.put("config_hash", configHash);
        o.put("built_at", builtAt);
        o.put("ktstr_kconfig_hash", ktstrKconfigHash);
        o.put("extra_kconfig_hash", extraKconfigHash);
        o.put("has_vmlinux", hasVmlinux);
        o.put("vmlinux_stripped", vmlinuxStripped);
        o.put("source_vmlinux_size", sourceVmlinuxSize);
        o.put("source_vmlinux_mtime_secs", sourceVmlinuxMtimeSecs);
        return o;
    }

    /** Writes {@code dir/metadata.json}. */
    public void write(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            Files.writeString(file, Json.mapper().writer(SERDE_PRETTY).writeValueAsString(toJson()),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code dir/metadata.json}, read leniently.
     *
     * @throws KernelException why the entry is unusable: no file, not JSON, not an object, an unreadable file
     */
    public static KernelMetadata read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new KernelException("no " + FILE);
        }
        JsonNode root;
        try {
            root = Json.readTree(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new KernelException(FILE + " cannot be read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new KernelException(FILE + " is not valid JSON: " + firstLine(e.getMessage()), e);
        }
        if (!root.isObject()) {
            throw new KernelException(FILE + " is not a JSON object");
        }
        String image = text(root.path("image_name"));
        if (image != null && (image.contains("/") || image.equals("..") || image.equals("."))) {
            throw new KernelException(FILE + ": image_name '" + image + "' is not a file name");
        }
        return new KernelMetadata(text(root.path("version")), KernelSource.fromJson(root.get("source")),
                text(root.path("arch")), image == null ? IMAGE : image, text(root.path("config_hash")),
                text(root.path("built_at")), text(root.path("ktstr_kconfig_hash")),
                text(root.path("extra_kconfig_hash")), root.path("has_vmlinux").asBoolean(false),
                root.path("vmlinux_stripped").asBoolean(false), number(root.path("source_vmlinux_size")),
                number(root.path("source_vmlinux_mtime_secs")));
    }

    /** {@link #read}, or null when the folder has no usable metadata (for best-effort readers). */
    public static KernelMetadata readOrNull(Path dir) {
        try {
            return read(dir);
        } catch (KernelException e) {
            return null;
        }
    }

    private static String text(JsonNode n) {
        return n.isTextual() && !n.asText().isBlank() ? n.asText().strip() : null;
    }

    private static Long number(JsonNode n) {
        return n.canConvertToLong() ? n.asLong() : null;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
