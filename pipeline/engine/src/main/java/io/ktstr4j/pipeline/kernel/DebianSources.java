package io.ktstr4j.pipeline.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's kernel source packages as installed: {@code linux-source-VERSION} puts
 * {@code /usr/src/linux-source-VERSION.tar.xz} on the machine ({@code apt-cache search linux-source} lists them).
 */
final class DebianSources {

    private static final Pattern TARBALL = Pattern.compile("linux-source-(\\d+(?:\\.\\d+)*)\\.tar\\.(xz|bz2|gz)");

    private final Path usrSrc;

    DebianSources(Path usrSrc) {
        this.usrSrc = usrSrc;
    }

    Path dir() {
        return usrSrc;
    }

    /** The tarball of {@code version}, or of the newest version installed when null. */
    Optional<Path> find(String version) {
        if (!Files.isDirectory(usrSrc)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(usrSrc)) {
            return s.filter(p -> {
                Matcher m = TARBALL.matcher(p.getFileName().toString());
                return m.matches() && (version == null || m.group(1).equals(version));
            }).max(Comparator.comparing(DebianSources::versionOf, DebianSources::compareVersions));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The package that installs {@code version} ({@code linux-source} for the distribution's default). */
    static String packageName(String version) {
        return version == null ? "linux-source" : "linux-source-" + version;
    }

    private static String versionOf(Path p) {
        Matcher m = TARBALL.matcher(p.getFileName().toString());
        return m.matches() ? m.group(1) : "0";
    }

    static int compareVersions(String a, String b) {
        List<String> x = List.of(a.split("\\."));
        List<String> y = List.of(b.split("\\."));
        for (int i = 0; i < Math.max(x.size(), y.size()); i++) {
            int c = Integer.compare(i < x.size() ? Integer.parseInt(x.get(i)) : 0,
                    i < y.size() ? Integer.parseInt(y.get(i)) : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
