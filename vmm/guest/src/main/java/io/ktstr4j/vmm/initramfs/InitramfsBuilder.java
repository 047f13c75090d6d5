package io.ktstr4j.vmm.initramfs;

import com.github.luben.zstd.Zstd;
import io.ktstr4j.schemas.CacheDir;
import io.ktstr4j.vmm.plan.AgentPlanWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the guest's initramfs as two archives that the kernel unpacks in order ({@code VmConfig.initramfs}):
 *
 * <ol>
 *   <li>the <b>base</b>: the agent as {@code /init}, the scheduler binary as {@code /scheduler}, user include files
 *       under {@code /include-files/}, and the shared libraries any dynamically linked binary among them needs (read
 *       from the ELF by {@link ElfDeps}). It is zstd-compressed and content-addressed: stored once under the cache
 *       directory as {@code base-<sha256 of the cpio>.cpio.zst} and reused by every test with the same content
 *       (within a process, a build from unchanged input files skips reading and hashing them: {@link BaseMemo});</li>
 *   <li>the per-test <b>suffix</b> (a few hundred bytes, uncompressed): {@code /plan}, {@code /sched_args} (one
 *       argument per line) and {@code /sched_ops} (the sched_ext ops name the agent waits for).</li>
 * </ol>
 *
 * <p>The base file is padded with zeros to a multiple of 512 bytes, so the suffix that follows starts 4-byte aligned
 * as the kernel's unpacker requires (it skips zero padding between archives).
 */
public final class InitramfsBuilder {

    /** Where the Maven build packages the static agent. */
    public static final String AGENT_RESOURCE = "agent/ktstr4j-agent";
    /** The most a kernel_builtin scheduler's enable (or disable) lines may take: the agent's buffer, less one. */
    static final int MAX_BUILTIN_BYTES = 16383;

    /** Bump when the archive layout changes so old cache entries are not reused. */
    static final int LAYOUT_VERSION = 1;

    private static final int ZSTD_LEVEL = 3;

    private final Path cacheDir;
    private byte[] agent;
    private String agentName = AGENT_RESOURCE;
    private Path scheduler;
    private List<String> schedulerArgs = List.of();
    private String schedulerOps = "";
    private Path builtinShell;
    private List<String> builtinEnable = List.of();
    private List<String> builtinDisable = List.of();
    private String plan;
    private final Map<String, Path> includes = new LinkedHashMap<>();
    private final Map<String, Boolean> includeMustBeElf = new LinkedHashMap<>();
    private List<Path> libraryPaths = ElfDeps.DEFAULT_SEARCH_PATHS;
    private long memoryBudgetBytes = Long.MAX_VALUE;
    private Path suffixDir;

    /** The result: archives in boot order, plus sizes for the VM's memory budget and the events. */
    public record Initramfs(List<Path> archives, String baseKey, boolean baseFromCache, long baseCpioBytes,
                            long baseCompressedBytes, long suffixBytes) {
        public Initramfs {
            archives = List.copyOf(archives);
        }

        /** Bytes the guest holds while unpacking: compressed archives plus the unpacked files. */
        public long guestBytes() {
            return baseCompressedBytes + baseCpioBytes + 2 * suffixBytes;
        }
    }

    private InitramfsBuilder(Path cacheDir) {
        this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
    }

    /** A builder that keeps base archives under {@code cacheDir} (created if missing). */
    public static InitramfsBuilder withCache(Path cacheDir) {
        return new InitramfsBuilder(cacheDir);
    }

    /** The default cache: {@code $KTSTR4J_CACHE_DIR/initramfs}, else {@code ~/.cache/ktstr4j/initramfs}. */
    public static Path defaultCacheDir() {
        return CacheDir.resolve("initramfs");
    }

    /** The agent binary packaged in this jar (built by the vmm Maven build). */
    public static byte[] packagedAgent() {
        try (InputStream in = InitramfsBuilder.class.getClassLoader().getResourceAsStream(AGENT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + AGENT_RESOURCE + " is missing: build the vmm "
                        + "module with Maven (it compiles src/main/c/agent with gcc -static)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + AGENT_RESOURCE, e);
        }
    }

    /** Uses this agent binary instead of the packaged one (tests; a locally built agent). */
    public InitramfsBuilder agent(byte[] agentBinary, String nameForErrors) {
        this.agent = agentBinary.clone();
        this.agentName = nameForErrors;
        return this;
    }

    public InitramfsBuilder agent(Path agentBinary) throws IOException {
        requireElf(agentBinary, "agent");
        return agent(Files.readAllBytes(agentBinary), agentBinary.toString());
    }

    /** The scheduler binary ({@code /scheduler}), its arguments and the ops name sched_ext will report ("" = any). */
    public InitramfsBuilder scheduler(Path binary, List<String> args, String opsName) {
        this.scheduler = Objects.requireNonNull(binary, "scheduler binary");
        this.schedulerArgs = List.copyOf(args);
        for (String a : schedulerArgs) {
            if (a.contains("\n") || a.isEmpty()) {
                throw new IllegalArgumentException("scheduler argument '" + a + "' is empty or contains a newline");
            }
        }
        this.schedulerOps = opsName == null ? "" : opsName;
        return this;
    }

    /**
     * A scheduler built into the kernel: {@code shell} (a static busybox) as {@code /bin/busybox}, and the lines the
     * agent runs with it ({@code sh -c LINE}) before the scenario ({@code /sched_enable}) and after it
     * ({@code /sched_disable}), one per line.
     */
    public InitramfsBuilder builtinScheduler(Path shell, List<String> enable, List<String> disable) {
        this.builtinShell = Objects.requireNonNull(shell, "shell");
        for (List<String> lines : List.of(enable, disable)) {
            for (String l : lines) {
                if (l.isBlank() || l.contains("\n")) {
                    throw new IllegalArgumentException("kernel_builtin line '" + l + "' is empty or has a newline");
                }
            }
        }
        for (var e : java.util.Map.of("enable", enable, "disable", disable).entrySet()) {
            if (lines(e.getValue()).length > MAX_BUILTIN_BYTES) {
                throw new IllegalArgumentException("scheduler." + e.getKey() + ": the kernel_builtin lines take more "
                        + "than " + MAX_BUILTIN_BYTES + " bytes (the guest agent reads that much)");
            }
        }
        this.builtinEnable = List.copyOf(enable);
        this.builtinDisable = List.copyOf(disable);
        return this;
    }

    /** The plan text ({@code /plan}); its first line names its kind ({@code ktstr4j-plan trivial|v1}). */
    public InitramfsBuilder plan(String planText) {
        if (!planText.startsWith(AgentPlanWriter.MAGIC)) {
            throw new IllegalArgumentException("plan: the first line must be 'ktstr4j-plan <kind>', got '"
                    + planText.lines().findFirst().orElse("") + "'");
        }
        this.plan = planText;
        return this;
    }

    /** A user file placed at {@code /include-files/<name>} (any content). */
    public InitramfsBuilder includeFile(String name, Path source) {
        return include(name, source, false);
    }

    /** A user binary placed at {@code /include-files/<name>}; must be an x86_64 ELF; its libraries come along. */
    public InitramfsBuilder includeBinary(String name, Path source) {
        return include(name, source, true);
    }

    private InitramfsBuilder include(String name, Path source, boolean elf) {
        String guest = "include-files/" + CpioWriter.normalize(name);
        if (includes.containsKey(guest)) {
            throw new IllegalArgumentException("include file name clash: /" + guest + " is given by both "
                    + includes.get(guest) + " and " + source);
        }
        includes.put(guest, source);
        includeMustBeElf.put(guest, elf);
        return this;
    }

    /** Directories searched for shared libraries after a binary's own runpath. */
    public InitramfsBuilder libraryPaths(List<Path> dirs) {
        this.libraryPaths = List.copyOf(dirs);
        return this;
    }

    /** The most guest memory the initramfs may take (compressed + unpacked); typically half the guest RAM. */
    public InitramfsBuilder memoryBudgetBytes(long bytes) {
        this.memoryBudgetBytes = bytes;
        return this;
    }

    /** Where the per-test suffix is written (default: the cache directory, named by its content hash). */
    public InitramfsBuilder suffixDir(Path dir) {
        this.suffixDir = dir;
        return this;
    }

    public Initramfs build() throws IOException {
        if (plan == null) {
            throw new IllegalStateException("initramfs: no plan given (call plan(...))");
        }
        byte[] suffix = suffixArchive();
        List<Object> inputs = java.util.Arrays.asList(LAYOUT_VERSION, cacheDir,
                agent == null ? "packaged" : java.nio.ByteBuffer.wrap(agent), scheduler, builtinShell,
                new ArrayList<>(includes.entrySet()), new ArrayList<>(includeMustBeElf.entrySet()), libraryPaths);
        BaseMemo.Entry seen = BaseMemo.find(inputs);
        if (seen != null) {
            Path base = cacheDir.resolve("base-" + seen.key() + ".cpio.zst");
            long compressed = Files.isRegularFile(base) ? Files.size(base) : 0;
            if (compressed > 0 && compressed + seen.cpioBytes() + 2L * suffix.length <= memoryBudgetBytes) {
                return new Initramfs(List.of(base, writeSuffix(suffix)), seen.key(), true, seen.cpioBytes(),
                        compressed, suffix.length);
            }
            // the archive is gone, or the budget is exceeded: the full build below remakes it or names the files
        }
        BaseMemo.Reads reads = new BaseMemo.Reads();
        byte[] init = agent != null ? agent : packagedAgent();
        TreeMap<String, byte[]> files = new TreeMap<>();        // guest path -> content
        Map<String, String> origin = new LinkedHashMap<>();     // guest path -> where it came from (for errors)
        put(files, origin, "init", init, agentName);
        List<Path> binaries = new ArrayList<>();
        if (scheduler != null) {
            requireElf(scheduler, "scheduler");
            put(files, origin, "scheduler", reads.read(scheduler), scheduler.toString());
            binaries.add(scheduler);
        }
        if (builtinShell != null) {
            requireElf(builtinShell, "kernel_builtin shell");
            put(files, origin, "bin/busybox", reads.read(builtinShell), builtinShell.toString());
            binaries.add(builtinShell);
        }
        for (var e : includes.entrySet()) {
            Path src = e.getValue();
            if (!Files.isRegularFile(src)) {
                throw new IllegalArgumentException("include file " + src + " (for /" + e.getKey() + ") does not exist"
                        + " or is not a regular file");
            }
            if (includeMustBeElf.get(e.getKey())) {
                requireElf(src, "include binary /" + e.getKey());
                binaries.add(src);
            }
            put(files, origin, e.getKey(), reads.read(src), src.toString());
        }
        for (Path bin : binaries) {
            for (ElfDeps.Dependency d : ElfDeps.closure(bin, libraryPaths)) {
                String guest = CpioWriter.normalize(d.guestPath());
                byte[] content = reads.read(d.hostFile());
                byte[] prior = files.get(guest);
                if (prior != null && !java.util.Arrays.equals(prior, content)) {
                    throw new IllegalArgumentException("initramfs name clash: /" + guest + " from " + d.hostFile()
                            + " (needed by " + bin + ") differs from the file already there (" + origin.get(guest) + ")");
                }
                if (prior == null) {
                    put(files, origin, guest, content, d.hostFile() + " (needed by " + bin + ")");
                }
            }
        }

        byte[] baseCpio = baseArchive(files);
        String key = sha256(baseCpio);
        checkBudget(files, origin, baseCpio.length, suffix.length);

        Files.createDirectories(cacheDir);
        Path base = cacheDir.resolve("base-" + key + ".cpio.zst");
        boolean cached = Files.isRegularFile(base) && Files.size(base) > 0;
        if (!cached) {
            writeAtomically(base, compressPadded(baseCpio));
        }
        long compressed = Files.size(base);
        if (compressed + baseCpio.length + 2L * suffix.length > memoryBudgetBytes) {
            checkBudgetFail(files, origin, compressed + baseCpio.length + 2L * suffix.length);
        }
        BaseMemo.remember(inputs, new BaseMemo.Entry(key, baseCpio.length, reads.stamps()));
        return new Initramfs(List.of(base, writeSuffix(suffix)), key, cached, baseCpio.length, compressed,
                suffix.length);
    }

    /** The per-test suffix, named by its content hash (written once). */
    private Path writeSuffix(byte[] suffix) throws IOException {
        Path dir = suffixDir != null ? suffixDir : cacheDir;
        Files.createDirectories(dir);
        Path suffixFile = dir.resolve("suffix-" + sha256(suffix).substring(0, 32) + ".cpio");
        if (!Files.isRegularFile(suffixFile)) {
            writeAtomically(suffixFile, suffix);
        }
        return suffixFile;
    }

    /** The uncompressed base cpio: fixed directories, then the files in path order (so the bytes are reproducible). */
    static byte[] baseArchive(TreeMap<String, byte[]> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CpioWriter w = new CpioWriter(out)) {
            TreeSet<String> dirs = new TreeSet<>(List.of("dev", "proc", "sys", "tmp", "run"));
            for (String f : files.keySet()) {
                for (int i = f.indexOf('/'); i > 0; i = f.indexOf('/', i + 1)) {
                    dirs.add(f.substring(0, i));
                }
            }
            for (String d : dirs) { // TreeSet order puts every parent before its children
                w.directory(d, 0755);
            }
            w.charDevice("dev/console", 0600, 5, 1);
            w.charDevice("dev/null", 0666, 1, 3);
            for (var e : files.entrySet()) {
                w.file(e.getKey(), 0755, e.getValue());
            }
        }
        return out.toByteArray();
    }

    byte[] suffixArchive() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CpioWriter w = new CpioWriter(out)) {
            w.file("plan", 0644, plan.getBytes(StandardCharsets.UTF_8));
            if (scheduler != null) {
                StringBuilder args = new StringBuilder();
                for (String a : schedulerArgs) {
                    args.append(a).append('\n');
                }
                w.file("sched_args", 0644, args.toString().getBytes(StandardCharsets.UTF_8));
                w.file("sched_ops", 0644, schedulerOps.getBytes(StandardCharsets.UTF_8));
            }
            if (builtinShell != null) {
                w.file("sched_enable", 0644, lines(builtinEnable));
                w.file("sched_disable", 0644, lines(builtinDisable));
            }
        }
        return out.toByteArray();
    }

    private static byte[] lines(List<String> lines) {
        StringBuilder b = new StringBuilder();
        lines.forEach(l -> b.append(l).append('\n'));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** zstd frame, then zeros up to a 512-byte boundary so the next archive is aligned. */
    static byte[] compressPadded(byte[] cpio) {
        byte[] z = Zstd.compress(cpio, ZSTD_LEVEL);
        int padded = (z.length + 511) & ~511;
        return java.util.Arrays.copyOf(z, padded);
    }

    private void checkBudget(Map<String, byte[]> files, Map<String, String> origin, long cpio, long suffix) {
        if (cpio + 2 * suffix > memoryBudgetBytes) {
            checkBudgetFail(files, origin, cpio + 2 * suffix);
        }
    }

    private void checkBudgetFail(Map<String, byte[]> files, Map<String, String> origin, long need) {
        List<Map.Entry<String, byte[]>> big = new ArrayList<>(files.entrySet());
        big.sort((a, b) -> Integer.compare(b.getValue().length, a.getValue().length));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(3, big.size()); i++) {
            var e = big.get(i);
            sb.append(i == 0 ? "" : ", ").append('/').append(e.getKey()).append(" from ").append(origin.get(e.getKey()))
                    .append(" (").append(mib(e.getValue().length)).append(')');
        }
        throw new IllegalArgumentException("initramfs needs " + mib(need) + " of guest memory but the budget is "
                + mib(memoryBudgetBytes) + "; largest files: " + sb + ". Give the VM more memory or include less.");
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }

    private static void put(Map<String, byte[]> files, Map<String, String> origin, String guest, byte[] content,
                            String from) {
        String n = CpioWriter.normalize(guest);
        if (files.containsKey(n)) {
            throw new IllegalArgumentException("initramfs name clash: /" + n + " is given by both " + origin.get(n)
                    + " and " + from);
        }
        files.put(n, content);
        origin.put(n, from);
    }

    private static void requireElf(Path file, String what) throws IOException {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(what + ": " + file + " does not exist");
        }
        if (!ElfDeps.isElf(file)) {
            throw new IllegalArgumentException(what + ": " + file + " is not an ELF binary");
        }
        ElfDeps.read(file); // x86_64, 64-bit, parseable: fails naming the file otherwise
    }

    private static void writeAtomically(Path target, byte[] data) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, data);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static String sha256(byte[] data) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(("ktstr4j-initramfs-" + LAYOUT_VERSION + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
