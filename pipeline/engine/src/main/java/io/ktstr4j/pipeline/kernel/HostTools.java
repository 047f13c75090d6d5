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
import java.util.regex.Matcher;
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
    /** The schedulers' headers; their LLVM tools are {@link #LLVM}. */
    static final List<Tool> SCX = List.of(new Tool("zstd.h", "libzstd-dev", true),
            new Tool("zlib.h", "zlib1g-dev", true));
    /**
     * The LLVM tools the sched_ext examples need, at version {@value #MIN_LLVM} or later (their BPF code needs it;
     * Debian 12's plain {@code clang} is 14, so there they are the versioned packages, as build-kernel.sh installs).
     */
    static final List<Tool> LLVM = List.of(new Tool("clang", "clang-16", false),
            new Tool("llvm-strip", "llvm-16", false), new Tool("ld.lld", "lld-16", false));
    static final int MIN_LLVM = 16;
    private static final Pattern LLVM_VERSION = Pattern.compile("(\\d+)\\.\\d+\\.\\d+");
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
        List<String> out = new ArrayList<>();
        for (Tool t : LLVM) {
            if (llvm(t.what()).isEmpty()) {
                out.add(t.pkg());
            }
        }
        out.addAll(missing(SCX));
        return out;
    }

    /**
     * An LLVM tool of version {@value #MIN_LLVM} or later: the highest {@code name-N} on the path, else the plain
     * {@code name} when its {@code --version} says it is recent enough.
     */
    public Optional<Path> llvm(String name) {
        Optional<Path> found = find(name);
        if (found.isEmpty()) {
            return found;
        }
        Matcher suffix = Pattern.compile(Pattern.quote(name) + "-(\\d+)").matcher(found.get().getFileName().toString());
        if (suffix.matches()) {
            return Integer.parseInt(suffix.group(1)) >= MIN_LLVM ? found : Optional.empty();
        }
        return version(found.get()) >= MIN_LLVM ? found : Optional.empty();
    }

    /** The major version a tool's {@code --version} prints, or -1. */
    private static int version(Path tool) {
        try {
            Process p = new ProcessBuilder(tool.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            Matcher m = LLVM_VERSION.matcher(out);
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
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
     * The program {@code name} on the path: the highest versioned one ({@code clang-16} for {@code clang}, as Debian
     * installs them beside an older plain one), else the plain name.
     */
    public Optional<Path> find(String name) {
        Pattern versioned = Pattern.compile(Pattern.quote(name) + "-(\\d+)");
        Path best = null;
        Path plainFound = null;
        int bestVersion = -1;
        for (Path dir : path) {
            Path plain = dir.resolve(name);
            if (plainFound == null && Files.isExecutable(plain) && !Files.isDirectory(plain)) {
                plainFound = plain;
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
        return Optional.ofNullable(best != null ? best : plainFound);
    }
}
