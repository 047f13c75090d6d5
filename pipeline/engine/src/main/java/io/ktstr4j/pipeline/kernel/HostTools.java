package io.ktstr4j.pipeline.kernel;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The host programs and headers a kernel build needs, looked for before anything starts so that a missing one is named
 * with the {@code apt-get} line that installs it, not found deep in a make log. The kernel needs the required ones;
 * the example sched_ext schedulers also need the scx ones (without them the entry is made without {@code scx/}).
 */
public final class HostTools {

    /** A program or header and the Debian package that brings it. */
    record Tool(String what, String pkg, boolean header) {
    }

    static final List<Tool> KERNEL = List.of(new Tool("make", "make", false), new Tool("gcc", "gcc", false),
            new Tool("bison", "bison", false), new Tool("flex", "flex", false), new Tool("bc", "bc", false),
            new Tool("cpio", "cpio", false), new Tool("pahole", "dwarves", false),
            new Tool("objcopy", "binutils", false), new Tool("tar", "tar", false), new Tool("xz", "xz-utils", false),
            new Tool("zstd", "zstd", false), new Tool("libelf.h", "libelf-dev", true));
    static final List<Tool> SCX = List.of(new Tool("clang", "clang", false),
            new Tool("llvm-strip", "llvm", false), new Tool("ld.lld", "lld", false),
            new Tool("zstd.h", "libzstd-dev", true), new Tool("zlib.h", "zlib1g-dev", true));
    static final Tool GIT = new Tool("git", "git", false);

    private final List<Path> path;
    private final Path include;

    /**
     * @param path    the folders of {@code $PATH}
     * @param include the system header folder ({@code /usr/include})
     */
    public HostTools(List<Path> path, Path include) {
        this.path = List.copyOf(path);
        this.include = include;
    }

    /** The tools of {@code env}'s {@code PATH} and {@code /usr/include}. */
    public static HostTools of(Map<String, String> env) {
        return of(env, Path.of("/usr/include"));
    }

    /** The tools of {@code env}'s {@code PATH} and the headers of {@code include}. */
    public static HostTools of(Map<String, String> env, Path include) {
        String p = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        return new HostTools(Stream.of(p.split(File.pathSeparator)).filter(s -> !s.isBlank()).map(Path::of).toList(),
                include);
    }

    /** The packages of the kernel's tools that are missing (plus git's when {@code needGit}); empty when none. */
    public List<String> missingForKernel(boolean needGit) {
        List<Tool> want = new ArrayList<>(KERNEL);
        if (needGit) {
            want.add(GIT);
        }
        return missing(want);
    }

    /** The packages the sched_ext example schedulers need that are missing. */
    public List<String> missingForScx() {
        return missing(SCX);
    }

    private List<String> missing(List<Tool> tools) {
        Set<String> out = new LinkedHashSet<>();
        for (Tool t : tools) {
            boolean there = t.header() ? Files.isRegularFile(include.resolve(t.what())) : find(t.what()).isPresent();
            if (!there) {
                out.add(t.pkg());
            }
        }
        return List.copyOf(out);
    }

    /** The line that installs {@code packages}. */
    public static String aptLine(List<String> packages) {
        return "apt-get install -y " + String.join(" ", packages);
    }

    /**
     * The program {@code name} on the path, or a versioned one ({@code clang-16} for {@code clang}, as Debian installs
     * them), preferring the plain name, then the highest version.
     */
    public Optional<Path> find(String name) {
        Pattern versioned = Pattern.compile(Pattern.quote(name) + "-(\\d+)");
        Path best = null;
        int bestVersion = -1;
        for (Path dir : path) {
            Path plain = dir.resolve(name);
            if (Files.isExecutable(plain) && !Files.isDirectory(plain)) {
                return Optional.of(plain);
            }
            try (Stream<Path> s = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
                for (Path f : s.toList()) {
                    var m = versioned.matcher(f.getFileName().toString());
                    if (m.matches() && Files.isExecutable(f) && Integer.parseInt(m.group(1)) > bestVersion) {
                        best = f;
                        bestVersion = Integer.parseInt(m.group(1));
                    }
                }
            } catch (java.io.IOException | NumberFormatException e) {
                // an unreadable PATH folder holds nothing we can run
            }
        }
        return Optional.ofNullable(best);
    }
}
