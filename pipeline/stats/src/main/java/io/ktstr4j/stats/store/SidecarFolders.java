package io.ktstr4j.stats.store;

import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.stats.StatsInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads sidecar folders, ours and ktstr's: every {@code *.ktstr.json} below each folder. A file that is not a sidecar
 * is reported by path with what is wrong in it, and skipped.
 */
public final class SidecarFolders {

    /** The suffix of a sidecar file. */
    public static final String SUFFIX = ".ktstr.json";

    /**
     * What the folders held.
     *
     * @param results the sidecars read
     * @param bad     one line per file that could not be read: {@code path: json path: problem}
     * @param files   sidecar files found
     */
    public record Loaded(List<SidecarResult> results, List<String> bad, int files) {
    }

    private SidecarFolders() {
    }

    /** Reads every sidecar below the folders; a folder that does not exist is refused naming it. */
    public static Loaded read(List<Path> folders) {
        List<Path> files = new ArrayList<>();
        for (Path dir : folders) {
            if (!Files.isDirectory(dir)) {
                throw new StatsInputException(dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory"));
            }
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(p -> p.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(p)).sorted()
                        .forEach(files::add);
            } catch (IOException | UncheckedIOException e) {
                throw new StatsInputException(dir + ": cannot list: " + e.getMessage(), e);
            }
        }
        List<SidecarResult> results = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (Path f : files) {
            try {
                results.add(Json.read(Files.readString(f), SidecarResult.class, f.toString()));
            } catch (IOException e) {
                bad.add(f + ": cannot read: " + e.getMessage());
            } catch (RuntimeException e) {
                bad.add(e.getMessage() == null ? f + ": " + e : oneLine(e.getMessage()));
            }
        }
        return new Loaded(results, bad, files.size());
    }

    private static String oneLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
