package io.ktstr4j.hoststate;

import com.github.luben.zstd.ZstdInputStream;
import io.ktstr4j.schemas.SchemaException;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.json.Json;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The {@code .hst.zst} file: the capture's JSON in one zstd frame at level 3, as ktstr writes it, so ktstr's files
 * read here and ours read there (ktstr's reader ignores the fields it does not know). Written through a temporary file
 * and a rename, so a reader never meets half a capture. Reading names the file and what is wrong with it: not a
 * capture, a truncated stream, an unknown format version ({@link CaptureFileException}).
 */
public final class CaptureFiles {
    /** ktstr's file name suffix. */
    public static final String SUFFIX = ".hst.zst";
    /** ktstr's zstd level. */
    static final int LEVEL = 3;
    private static final int ZSTD_MAGIC = 0xFD2FB528;

    private CaptureFiles() {
    }

    /** Writes the capture to {@code file} (its folder is made); returns the file's size in bytes. */
    public static long write(Path file, HostStateSnapshot capture) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.write(tmp, encode(capture));
            try {
                // createTempFile makes it owner-only; a capture is as readable as the results next to it
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // not a POSIX file system: its default permissions stay
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return Files.size(file);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The capture as bytes of a {@code .hst.zst} file (for Kafka-less transports and tests). */
    public static byte[] encode(HostStateSnapshot capture) {
        return com.github.luben.zstd.Zstd.compress(Json.writeBytes(capture), LEVEL);
    }

    /** A capture from the bytes of a {@code .hst.zst} file; {@code source} names them in errors. */
    public static HostStateSnapshot decode(byte[] hstZst, String source) {
        try (InputStream in = new ZstdInputStream(new java.io.ByteArrayInputStream(hstZst))) {
            return parse(in, source);
        } catch (IOException e) {
            throw new CaptureFileException(source + ": " + describe(e), e);
        }
    }

    /** Reads a capture file: zstd-compressed JSON (ktstr's or ours), or plain JSON. */
    public static HostStateSnapshot read(Path file) {
        String name = file.toString();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(4);
            byte[] head = raw.readNBytes(4);
            raw.reset();
            if (head.length == 0) {
                throw new CaptureFileException(name + ": empty file, not a host-state capture");
            }
            if (head.length == 4 && littleEndian(head) == ZSTD_MAGIC) {
                try (InputStream in = new ZstdInputStream(raw)) {
                    return parse(in, name);
                }
            }
            if (head[0] == '{') {
                return parse(raw, name);
            }
            throw new CaptureFileException(name + ": not a host-state capture (neither a zstd stream nor JSON; a "
                    + "capture is zstd-compressed JSON, " + SUFFIX + ")");
        } catch (NoSuchFileException e) {
            throw new CaptureFileException(name + ": no such file");
        } catch (IOException e) {
            throw new CaptureFileException(name + ": " + describe(e));
        }
    }

    private static HostStateSnapshot parse(InputStream in, String name) {
        try {
            return Json.read(in, HostStateSnapshot.class, name);
        } catch (SchemaException e) {
            if (e.getCause() instanceof IOException io
                    && !(io instanceof com.fasterxml.jackson.core.JsonProcessingException)) {
                throw new CaptureFileException(name + ": " + describe(io), e); // the stream under the JSON broke
            }
            throw new CaptureFileException(e.getMessage(), e);
        }
    }

    /** A zstd reading error in words: a frame that ends early is a truncated (or still being written) file. */
    private static String describe(IOException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("runcated") || e instanceof java.io.EOFException) {
            return "truncated zstd stream (the file was cut short)";
        }
        return "cannot read it: " + m;
    }

    private static int littleEndian(byte[] b) {
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }
}
