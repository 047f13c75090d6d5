package io.ktstr4j.pipeline.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a kernel argument into an image to boot, and finds one when none is given, in one order for the whole
 * project (ktstr's, with ktstr4j's own places added):
 * <ol>
 *   <li>{@code $KTSTR4J_KERNEL}: a path or a cache key (set but unusable is an error, not a fall-through)</li>
 *   <li>the newest valid entry of ktstr4j's kernel cache, then of ktstr's</li>
 *   <li>the project's shared kernel, {@code ../shared/kernels/6.12.117-scx/bzImage} from the project root</li>
 *   <li>{@code ./linux/arch/x86/boot/bzImage}, then {@code ../linux/arch/x86/boot/bzImage} (a kernel tree built
 *       here)</li>
 *   <li>{@code /lib/modules/$(uname -r)/build/arch/x86/boot/bzImage}, then {@code /boot/vmlinuz-$(uname -r)}</li>
 * </ol>
 * A path may name the image or a folder holding it (a cache entry, a folder with {@code bzImage}, a built kernel
 * tree). Nothing found is one error naming every place looked at and what to do.
 */
public final class KernelResolver {

    /** The variable naming the default kernel: a path or a cache key. */
    public static final String KERNEL_ENV = "KTSTR4J_KERNEL";
    /** The kernel shipped beside the project, relative to its root. */
    public static final String SHARED_KERNEL = "../shared/kernels/6.12.117-scx/bzImage";
    static final String TREE_IMAGE = "arch/x86/boot/bzImage";

    private final KernelCache cache;
    private final Map<String, String> env;
    private final Path projectRoot;
    private final Path cwd;
    private final Path hostRoot;
    private final String release;

    /**
     * @param cache       the caches to look in
     * @param env         the environment ({@code $KTSTR4J_KERNEL})
     * @param projectRoot the project's root (for the shared kernel)
     * @param cwd         the working directory (for {@code ./linux} and relative paths)
     * @param hostRoot    {@code /} (tests: a temp folder standing for it), for {@code /lib/modules} and {@code /boot}
     * @param release     the running kernel's release ({@code uname -r})
     */
    public KernelResolver(KernelCache cache, Map<String, String> env, Path projectRoot, Path cwd, Path hostRoot,
                          String release) {
        this.cache = cache;
        this.env = env;
        this.projectRoot = projectRoot;
        this.cwd = cwd.toAbsolutePath();
        this.hostRoot = hostRoot;
        this.release = release;
    }

    /** This machine's resolver: the real environment and caches, the working directory, {@code /}, {@code uname -r}. */
    public static KernelResolver system(Path projectRoot) {
        Map<String, String> env = System.getenv();
        return new KernelResolver(KernelCache.fromEnv(env), env, projectRoot, Path.of(""), Path.of("/"),
                System.getProperty("os.version"));
    }

    public KernelCache cache() {
        return cache;
    }

    /**
     * The kernel {@code arg} names: an existing path (the image, or a folder holding it), else a cache key of
     * ktstr4j's cache, then of ktstr's.
     *
     * @param option how the argument was given, for messages ({@code --kernel})
     * @throws KernelException nothing usable by that name, saying where it was looked for
     */
    public ResolvedKernel resolve(String arg, String option) {
        if (arg == null || arg.isBlank()) {
            throw new KernelException(option + " is empty: give a kernel image, a folder holding bzImage, or a cache "
                    + "key (ktstr4j kernel list)");
        }
        Path p = cwd.resolve(arg);
        if (Files.exists(p)) {
            Path image = imageIn(p);
            if (image == null) {
                throw new KernelException(option + " " + arg + ": " + p + " is a folder without a kernel image (looked "
                        + "for metadata.json's image, bzImage, " + TREE_IMAGE + ")");
            }
            return new ResolvedKernel(image.normalize(), label(image), option);
        }
        if (!arg.contains("/")) {
            Optional<CacheEntry> e = cache.find(arg);
            if (e.isPresent()) {
                return fromEntry(e.get(), option);
            }
        }
        throw new KernelException(option + " " + arg + ": no such file (" + p + ")" + (arg.contains("/") ? ""
                : " and no cache entry " + arg + " in " + cache.root() + " or " + cache.ktstrRoot())
                + "; ktstr4j kernel list shows the cached kernels");
    }

    /** The default kernel, or empty when none of the places has one. */
    public Optional<ResolvedKernel> findDefault() {
        String env = this.env.get(KERNEL_ENV);
        if (env != null && !env.isBlank()) {
            return Optional.of(resolve(env.strip(), "$" + KERNEL_ENV));
        }
        for (CacheEntry.Origin o : CacheEntry.Origin.values()) {
            Optional<CacheEntry> e = cache.newest(o);
            if (e.isPresent()) {
                return Optional.of(fromEntry(e.get(), o.label() + " cache"));
            }
        }
        for (Place place : filePlaces()) {
            if (Files.isRegularFile(place.path()) && Files.isReadable(place.path())) {
                Path image = place.path().normalize();
                return Optional.of(new ResolvedKernel(image, label(image), place.name()));
            }
        }
        return Optional.empty();
    }

    /**
     * The default kernel.
     *
     * @throws KernelException none found: the message lists every place looked at, why each gave nothing, and how to
     *                         get a kernel
     */
    public ResolvedKernel resolveDefault() {
        return findDefault().orElseThrow(() -> new KernelException(notFound()));
    }

    /** The error for no kernel anywhere. */
    String notFound() {
        StringBuilder sb = new StringBuilder("no kernel found. Looked at, in this order:\n");
        sb.append("  $" + KERNEL_ENV + ": not set\n");
        for (CacheEntry.Origin o : CacheEntry.Origin.values()) {
            Path root = cache.root(o);
            sb.append("  ").append(o.label()).append(" cache ").append(root).append(": ");
            if (root == null || !Files.isDirectory(root)) {
                sb.append("does not exist\n");
            } else {
                long corrupt = cache.list(o).stream().filter(e -> !e.valid()).count();
                sb.append("no valid entry").append(corrupt > 0 ? " (" + corrupt + " corrupt)" : "").append('\n');
            }
        }
        for (Place place : filePlaces()) {
            sb.append("  ").append(place.name()).append(": ").append(place.path().normalize())
                    .append(Files.exists(place.path()) ? " is not a readable file" : " does not exist").append('\n');
        }
        sb.append("To get a kernel: build one into the cache with 'ktstr4j kernel build --debian' (after 'apt-get "
                + "install linux-source-6.12') or 'ktstr4j kernel build --source DIR', or import a built one with "
                + "'ktstr4j kernel import DIR --key KEY'; or pass --kernel PATH (a bzImage, or a folder holding one), "
                + "or set $" + KERNEL_ENV + " to a path or cache key.");
        return sb.toString();
    }

    /** A place the default looks in for an image file. */
    private record Place(String name, Path path) {
    }

    private List<Place> filePlaces() {
        List<Place> out = new ArrayList<>();
        out.add(new Place("the project's shared kernel", projectRoot.resolve(SHARED_KERNEL)));
        out.add(new Place("./linux/" + TREE_IMAGE, cwd.resolve("linux").resolve(TREE_IMAGE)));
        out.add(new Place("../linux/" + TREE_IMAGE, cwd.resolve("../linux").resolve(TREE_IMAGE)));
        if (release != null && !release.isBlank()) {
            out.add(new Place("/lib/modules/" + release + "/build/" + TREE_IMAGE,
                    hostRoot.resolve("lib/modules").resolve(release).resolve("build").resolve(TREE_IMAGE)));
            out.add(new Place("/boot/vmlinuz-" + release, hostRoot.resolve("boot").resolve("vmlinuz-" + release)));
        }
        return out;
    }

    private static ResolvedKernel fromEntry(CacheEntry e, String from) {
        if (!e.valid()) {
            throw new KernelException(from + ": cache entry " + e.key() + " in " + e.dir().getParent() + " is corrupt ("
                    + e.corrupt() + "); rebuild or re-import it, or remove it with ktstr4j kernel clean "
                    + "--corrupt-only");
        }
        return new ResolvedKernel(e.image(), e.key(), from);
    }

    /** The image a path names: the file itself, or the one a folder holds. Null for a folder without one. */
    private static Path imageIn(Path p) {
        if (!Files.isDirectory(p)) {
            return p;
        }
        KernelMetadata meta = KernelMetadata.readOrNull(p);
        for (Path c : new Path[] {meta == null ? null : p.resolve(meta.imageName()), p.resolve(KernelMetadata.IMAGE),
                p.resolve(TREE_IMAGE)}) {
            if (c != null && Files.isRegularFile(c)) {
                return c;
            }
        }
        return null;
    }

    /**
     * The cache key of the entry holding the image, else its version, else its own name when that says more than
     * {@code bzImage} ({@code vmlinuz-6.1.0-13-amd64}), else its folder's name.
     */
    private String label(Path image) {
        Path dir = image.toAbsolutePath().normalize().getParent();
        Path parent = dir == null ? null : dir.getParent();
        if (parent != null && (parent.equals(cache.root()) || parent.equals(cache.ktstrRoot()))) {
            return dir.getFileName().toString();
        }
        String version = KernelInfo.version(image);
        if (version != null) {
            return version;
        }
        String name = image.getFileName().toString();
        return dir == null || dir.getFileName() == null || !name.equals(KernelMetadata.IMAGE)
                && !name.equals("vmlinux") ? name : dir.getFileName().toString();
    }
}
