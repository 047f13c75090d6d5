package io.ktstr4j.pipeline.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code kernel build}: a guest kernel from a source tree, a tarball, a git ref or Debian's linux-source, configured
 * with ktstr4j's fragment, checked for the options the harness needs, built, and cached as an entry the monitor can
 * read (bzImage, System.map, config, vmlinux.btf, a debug-stripped vmlinux, and the tree's example sched_ext
 * schedulers when the host can build them).
 *
 * <p>Every command's output goes to {@code build.log} in the cache's build folder; progress lines go to the given
 * consumer. {@link #cancel()} (the CLI calls it on SIGINT) kills the running command's process tree; the build then
 * fails, and its temporary folders (the unpacked source, the entry being made) are removed.
 */
public final class KernelBuilder {

    /** Unpacked sources and object files take this much; less free is warned about. */
    static final long SPACE_WANTED = 10L << 30;
    private static final DateTimeFormatter BUILD_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final Pattern MAKEFILE_VAR =
            Pattern.compile("(?m)^(VERSION|PATCHLEVEL|SUBLEVEL|EXTRAVERSION)\\s*=[ \\t]*(\\S*)");
    private static final Pattern SCX_OBJECT = Pattern.compile("(scx_\\w+)\\.o");

    private final KernelCache cache;
    private final Map<String, String> env;
    private final HostTools tools;
    private final DebianSources debian;
    private final Consumer<String> progress;
    private final Duration progressInterval;
    private final Kconfig kconfig = Kconfig.fragment();
    private volatile BuildSteps steps;
    private volatile boolean cancelled;

    /**
     * @param cache            where the entry goes (and the build folder is)
     * @param env              the environment the build's commands run with (and whose PATH is searched for tools)
     * @param tools            the host's tools
     * @param usrSrc           where Debian's linux-source tarballs are ({@code /usr/src})
     * @param progress         progress and warning lines (the CLI prints them on stderr)
     * @param progressInterval how often a running step reports
     */
    public KernelBuilder(KernelCache cache, Map<String, String> env, HostTools tools, Path usrSrc,
                         Consumer<String> progress, Duration progressInterval) {
        this.cache = cache;
        this.env = Map.copyOf(env);
        this.tools = tools;
        this.debian = new DebianSources(usrSrc);
        this.progress = progress;
        this.progressInterval = progressInterval;
    }

    /** This machine's builder: the real environment, PATH and /usr/src, a progress line every 10 seconds. */
    public static KernelBuilder system(KernelCache cache, Consumer<String> progress) {
        Map<String, String> env = System.getenv();
        return new KernelBuilder(cache, env, HostTools.of(env), Path.of("/usr/src"), progress, Duration.ofSeconds(10));
    }

    /** The source as the build uses it. */
    private record Prepared(Path tree, KernelSource source, String key, boolean dirty, boolean temporary) {
    }

    /**
     * Builds, or finds the entry already cached (without {@code force}).
     *
     * @throws KernelBuildException a step failed or the build was cancelled (names the step and the log)
     * @throws KernelException      bad input or a missing tool, before anything ran
     */
    public BuildResult build(BuildRequest req) {
        String arch = System.getProperty("os.arch");
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            throw new KernelException("kernel build makes x86_64 kernels on an x86_64 host; this one is " + arch);
        }
        List<String> missing = tools.missingForKernel(req.source() instanceof BuildSource.GitRepo);
        if (!missing.isEmpty()) {
            throw new KernelException("kernel build needs programs this host lacks (Debian packages: "
                    + String.join(", ", missing) + "); install them with: " + HostTools.aptLine(missing));
        }
        List<String> warnings = new ArrayList<>();
        Path work = cache.buildsDir().resolve(BUILD_ID.format(Instant.now()) + "-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new KernelException("cannot create the build folder " + work + ": " + e.getMessage()
                    + " (set $KTSTR4J_CACHE_DIR to a writable folder)", e);
        }
        BuildSteps s = new BuildSteps(work.resolve("build.log"), env, progress, progressInterval);
        steps = s;
        if (cancelled) {
            s.cancel();
        }
        progress.accept("kernel build: log: " + s.log());
        try {
            Prepared src = prepare(req.source(), work, s);
            String key = req.key() != null ? CacheKeys.validate(req.key(), "--key")
                    : CacheKeys.withLabel(src.key(), req.label());
            boolean cacheable = !src.dirty() || req.key() != null;
            if (cacheable && !req.force()) {
                Optional<CacheEntry> have = cache.list(CacheEntry.Origin.KTSTR4J).stream()
                        .filter(e -> e.key().equals(key) && e.valid()).findFirst();
                if (have.isPresent()) {
                    progress.accept("kernel build: " + key + " is cached already (" + have.get().dir()
                            + "); --force rebuilds it");
                    return new BuildResult(have.get(), have.get().image(), true, s.log(), warnings);
                }
            }
            if (src.dirty()) {
                String why = "the tree " + src.tree() + " has uncommitted changes (or is not a git work tree), so no "
                        + "clean cache key describes it";
                warn(warnings, cacheable ? why + "; cached under --key " + key + " as asked"
                        : why + ": building without caching (pass --key KEY to cache it anyway)");
            }
            configure(src, req, s, warnings);
            s.run("make bzImage", src.tree(), List.of("make", "-j" + req.jobs(), "KCFLAGS=-Wno-error", "bzImage"));
            Path image = src.tree().resolve(KernelResolver.TREE_IMAGE);
            if (!cacheable) {
                return new BuildResult(null, image, false, s.log(), warnings);
            }
            CacheEntry entry = store(src, key, req, s, warnings);
            return new BuildResult(entry, entry.image(), false, s.log(), warnings);
        } finally {
            deleteSources(work); // a tarball's or clone's tree; a --source tree is the user's and stays
        }
    }

    /** Stops a running build (any thread; the CLI's SIGINT hook): its command's process tree is killed. */
    public void cancel() {
        cancelled = true;
        BuildSteps s = steps;
        if (s != null) {
            s.cancel();
        }
    }

    private Prepared prepare(BuildSource source, Path work, BuildSteps s) {
        if (source instanceof BuildSource.SourceTree t) {
            Path tree = t.dir().toAbsolutePath().normalize();
            if (!Files.isRegularFile(tree.resolve("Makefile")) || !Files.isDirectory(tree.resolve("arch/x86"))) {
                throw new KernelException("--source " + t.dir() + ": not a kernel source tree (no Makefile and "
                        + "arch/x86 in " + tree + ")");
            }
            String described = KernelInfo.isTopLevel(tree) ? Git.describe(tree) : null;
            boolean dirty = described == null || described.endsWith("-dirty");
            String hash = described == null ? null : described.replace("-dirty", "");
            return new Prepared(tree, new KernelSource.Local(tree, dirty ? null : hash),
                    CacheKeys.local(hash, kconfig.hash()), dirty, false);
        }
        if (source instanceof BuildSource.GitRepo g) {
            return cloneRepo(g, work, s);
        }
        Path tarball = source instanceof BuildSource.Tarball t ? t.file()
                : debianTarball((BuildSource.Debian) source, s);
        if (!Files.isRegularFile(tarball)) {
            throw new KernelException("--tarball " + tarball + ": no such file");
        }
        warnIfShortOfSpace(work);
        Path into = work.resolve("src");
        try {
            Files.createDirectories(into);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        s.run("unpack " + tarball.getFileName(), into, List.of("tar", "-xf", tarball.toAbsolutePath().toString()));
        Path tree = onlyFolder(into, tarball);
        String version = makefileVersion(tree);
        return new Prepared(tree, new KernelSource.Tarball(), CacheKeys.tarball(version, kconfig.hash()), false, true);
    }

    private Path debianTarball(BuildSource.Debian d, BuildSteps s) {
        Optional<Path> found = debian.find(d.version());
        if (found.isEmpty() && d.install()) {
            String pkg = DebianSources.packageName(d.version());
            progress.accept("kernel build: installing " + pkg + " (apt-get install -y " + pkg + ")");
            s.run("apt-get install " + pkg, Path.of("/"),
                    List.of("apt-get", "install", "-y", "-q", pkg));
            found = debian.find(d.version());
        }
        return found.orElseThrow(() -> new KernelException("--debian" + (d.version() == null ? "" : " " + d.version())
                + ": Debian's kernel source is not installed (no " + debian.dir() + "/linux-source-"
                + (d.version() == null ? "*" : d.version()) + ".tar.xz). Install it with 'apt-get install "
                + DebianSources.packageName(d.version() == null ? "6.12" : d.version()) + "' (apt-cache search "
                + "linux-source lists the versions), or add --install to let kernel build run apt-get"));
    }

    private Prepared cloneRepo(BuildSource.GitRepo g, Path work, BuildSteps s) {
        if (g.ref() == null || g.ref().isBlank()) {
            throw new KernelException("--git " + g.url() + " needs --ref REF (a branch, tag or commit)");
        }
        warnIfShortOfSpace(work);
        Path tree = work.resolve("src").resolve("linux");
        try {
            Files.createDirectories(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // a plain path is fetched through file:// so that --depth applies to a local repository too
        String url = g.url().contains("://") || g.url().contains("@") ? g.url()
                : "file://" + Path.of(g.url()).toAbsolutePath().normalize();
        s.run("git init", tree, List.of("git", "init", "-q"));
        s.run("git fetch " + g.ref(), tree, List.of("git", "fetch", "-q", "--depth", "1", url, g.ref()));
        s.run("git checkout", tree, List.of("git", "-c", "advice.detachedHead=false", "checkout", "-q",
                "FETCH_HEAD"));
        String head = Git.run(tree, "rev-parse", "--verify", "HEAD");
        String hash = head == null ? "unknown" : head.strip().substring(0, Math.min(7, head.strip().length()));
        return new Prepared(tree, new KernelSource.GitClone(hash, g.ref()),
                CacheKeys.git(g.ref(), hash, kconfig.hash()), false, true);
    }

    /**
     * defconfig + kvm_guest.config + the fragment, olddefconfig, and the check of the options the harness needs. A
     * source tree that has its own {@code .config} keeps it (its owner chose it) with the fragment merged over it.
     */
    private void configure(Prepared src, BuildRequest req, BuildSteps s, List<String> warnings) {
        Path tree = src.tree();
        Path config = tree.resolve(".config");
        if (src.temporary() || !Files.exists(config)) {
            s.run("make defconfig", tree, List.of("make", "defconfig"));
            s.run("make kvm_guest.config", tree, List.of("make", "kvm_guest.config"));
        } else {
            progress.accept("kernel build: keeping " + config + " (with ktstr4j.kconfig merged over it)");
        }
        try {
            Files.writeString(config, kconfig.mergeInto(Files.readString(config, StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8);
            s.note("==> merged ktstr4j.kconfig (kc" + kconfig.hash() + ") into " + config);
        } catch (IOException e) {
            throw new KernelBuildException("merge ktstr4j.kconfig", config + ": " + e.getMessage(), s.log());
        }
        s.run("make olddefconfig", tree, List.of("make", "olddefconfig"));
        String result;
        try {
            result = Files.readString(config, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new KernelBuildException("verify .config", config + ": " + e.getMessage(), s.log());
        }
        List<String> lacking = Kconfig.missingRequired(result);
        if (!lacking.isEmpty()) {
            throw new KernelBuildException("verify .config", "the configured kernel lacks what ktstr4j needs: "
                    + String.join(", ", lacking) + " (a dependency missing in this source, or a host tool: "
                    + "DEBUG_INFO_BTF needs pahole >= 1.16); see " + config, s.log());
        }
        List<String> notKept = kconfig.notKept(result);
        if (!notKept.isEmpty()) {
            warn(warnings, "olddefconfig did not keep " + notKept.size() + " option(s) of ktstr4j.kconfig (none the "
                    + "harness needs): " + String.join(", ", notKept));
        }
    }

    /** Copies the build's outputs into a new entry and publishes it. */
    private CacheEntry store(Prepared src, String key, BuildRequest req, BuildSteps s, List<String> warnings) {
        Path tree = src.tree();
        try (EntryStaging staging = cache.stage(key)) {
            Path out = staging.dir();
            Path vmlinux = tree.resolve("vmlinux");
            copy(tree.resolve(KernelResolver.TREE_IMAGE), out.resolve(KernelMetadata.IMAGE), "copy bzImage", s);
            copy(tree.resolve("System.map"), out.resolve("System.map"), "copy System.map", s);
            copy(tree.resolve(".config"), out.resolve("config"), "copy .config", s);
            s.run("objcopy .BTF", tree, List.of("objcopy", "-O", "binary", "--only-section=.BTF",
                    vmlinux.toString(), out.resolve("vmlinux.btf").toString()));
            s.run("objcopy --strip-debug", tree, List.of("objcopy", "--strip-debug", vmlinux.toString(),
                    out.resolve("vmlinux").toString()));
            buildSchedulers(tree, out.resolve("scx"), req.jobs(), s, warnings);
            String release = firstLine(tree.resolve("include/config/kernel.release"));
            String configText = Files.readString(tree.resolve(".config"), StandardCharsets.ISO_8859_1);
            KernelMetadata meta = new KernelMetadata(release != null ? release : makefileVersion(tree), src.source(),
                    KernelMetadata.ARCH, KernelMetadata.IMAGE,
                    Kconfig.crc32(configText.getBytes(StandardCharsets.ISO_8859_1)), Instant.now().toString(),
                    kconfig.hash(), null, true, true, Files.size(vmlinux),
                    Files.getLastModifiedTime(vmlinux).toInstant().getEpochSecond());
            if (s.cancelled()) {
                throw new KernelBuildException("store " + key, "cancelled", s.log());
            }
            CacheEntry e = staging.commit(meta, req.force());
            progress.accept("kernel build: cached " + key + " in " + e.dir());
            return e;
        } catch (IOException e) {
            throw new KernelBuildException("store " + key, e.toString(), s.log());
        }
    }

    /**
     * The tree's example sched_ext schedulers, statically linked so they run in any initramfs (as build-kernel.sh
     * does). A host without their toolchain, or a failure, is a warning: the kernel is useful without them.
     */
    private void buildSchedulers(Path tree, Path scx, int jobs, BuildSteps s, List<String> warnings) {
        Path dir = tree.resolve("tools/sched_ext");
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<String> missing = tools.missingForScx();
        if (!missing.isEmpty()) {
            warn(warnings, "the example sched_ext schedulers (scx/) were not built: missing "
                    + String.join(", ", missing) + " (" + HostTools.aptLine(missing) + ")");
            return;
        }
        String clang = tools.llvm("clang").map(Path::toString).orElse("clang");
        String strip = tools.llvm("llvm-strip").map(Path::toString).orElse("llvm-strip");
        try {
            s.run("make tools/sched_ext", tree, List.of("make", "-C", "tools/sched_ext", "-j" + jobs, "CLANG=" + clang,
                    "LLVM_STRIP=" + strip));
            Path obj = dir.resolve("build/obj");
            Files.createDirectories(scx);
            List<Path> objects;
            try (Stream<Path> st = Files.list(obj.resolve("sched_ext"))) {
                objects = st.filter(p -> SCX_OBJECT.matcher(p.getFileName().toString()).matches()).sorted().toList();
            }
            for (Path o : objects) {
                Matcher m = SCX_OBJECT.matcher(o.getFileName().toString());
                m.matches();
                Path bin = scx.resolve(m.group(1));
                s.run("link " + m.group(1), tree, List.of("gcc", "-static", "-o", bin.toString(), o.toString(),
                        obj.resolve("libbpf/libbpf.a").toString(), "-lelf", "-lz", "-lzstd", "-lpthread"));
                s.run("strip " + m.group(1), tree, List.of("strip", bin.toString()));
            }
        } catch (KernelBuildException | IOException e) {
            if (s.cancelled()) {
                throw e instanceof KernelBuildException k ? k : new KernelBuildException("scx", "cancelled", s.log());
            }
            Trees.deleteQuietly(scx);
            warn(warnings, "the example sched_ext schedulers (scx/) were not built: " + e.getMessage());
        }
    }

    /** A warning: kept for the result and said at once (a build takes minutes). */
    private void warn(List<String> warnings, String w) {
        warnings.add(w);
        progress.accept("kernel build: warning: " + w);
    }

    private static void copy(Path from, Path to, String step, BuildSteps s) {
        try {
            Files.copy(from, to);
        } catch (IOException e) {
            throw new KernelBuildException(step, "cannot copy " + from + ": " + e, s.log());
        }
    }

    /** {@code 6.12.117} from the top Makefile's VERSION, PATCHLEVEL, SUBLEVEL and EXTRAVERSION. */
    static String makefileVersion(Path tree) {
        String text;
        try {
            text = Files.readString(tree.resolve("Makefile"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new KernelException(tree + " has no readable top Makefile: not a kernel source tree");
        }
        Map<String, String> v = new java.util.HashMap<>();
        Matcher m = MAKEFILE_VAR.matcher(text);
        while (m.find()) {
            v.putIfAbsent(m.group(1), m.group(2));
        }
        if (v.get("VERSION") == null || v.get("VERSION").isEmpty()) {
            throw new KernelException(tree.resolve("Makefile") + " has no VERSION: not a kernel source tree");
        }
        String sub = v.getOrDefault("SUBLEVEL", "");
        return v.get("VERSION") + "." + v.getOrDefault("PATCHLEVEL", "0") + (sub.isEmpty() ? "" : "." + sub)
                + v.getOrDefault("EXTRAVERSION", "");
    }

    private static Path onlyFolder(Path dir, Path tarball) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> dirs = s.filter(Files::isDirectory).toList();
            if (dirs.size() != 1) {
                throw new KernelException(tarball + ": expected one top folder (linux-VERSION/) in the tarball, found "
                        + dirs.size());
            }
            return dirs.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void warnIfShortOfSpace(Path work) {
        try {
            long free = Files.getFileStore(work).getUsableSpace();
            if (free < SPACE_WANTED) {
                progress.accept("kernel build: warning: " + (free >> 30) + " GiB free in " + work + "; a kernel build "
                        + "takes about " + (SPACE_WANTED >> 30) + " GiB (move the cache with $KTSTR4J_CACHE_DIR)");
            }
        } catch (IOException e) {
            // unknown free space: try anyway
        }
    }

    /** Removes the unpacked sources; the folder keeps the log. */
    private static void deleteSources(Path work) {
        Trees.deleteQuietly(work.resolve("src"));
    }

    private static String firstLine(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? null : s.lines().findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }
}
