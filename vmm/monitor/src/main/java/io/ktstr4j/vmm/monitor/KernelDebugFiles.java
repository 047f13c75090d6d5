package io.ktstr4j.vmm.monitor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The files that describe a kernel image to the monitor, found next to it: its symbols ({@code System.map}, or the
 * symbol table of an unstripped {@code vmlinux}) and its BTF ({@code vmlinux.btf}, or the {@code .BTF} section of a
 * {@code vmlinux}). A kernel that is itself an ELF vmlinux describes itself.
 *
 * <p>Looked for, in the kernel's directory: {@code System.map}, {@code System.map-<version>} for a Debian-style
 * {@code vmlinuz-<version>}, {@code vmlinux.btf}, {@code vmlinux}, {@code vmlinux-<version>}. A compressed
 * {@code vmlinux.zst} is not read (it would be decompressed on every run); the reason says so.
 *
 * @param symbols System.map or an ELF vmlinux with {@code .symtab}
 * @param btf     a raw BTF blob or an ELF vmlinux with {@code .BTF}
 */
public record KernelDebugFiles(Path symbols, Path btf) {

    /** The symbols and types, parsed. */
    public record Loaded(SymbolMap symbols, Btf btf) {}

    public KernelDebugFiles {
        Objects.requireNonNull(symbols, "symbols");
        Objects.requireNonNull(btf, "btf");
    }

    /**
     * The files for {@code kernel}, or empty ({@link #explainMissing} then says what is missing). Cheap: it only looks
     * at file names and 4-byte ELF headers.
     */
    public static Optional<KernelDebugFiles> find(Path kernel) {
        if (kernel == null) {
            return Optional.empty();
        }
        Path sym = firstReadable(symbolCandidates(kernel));
        Path btf = firstReadable(btfCandidates(kernel));
        return sym != null && btf != null ? Optional.of(new KernelDebugFiles(sym, btf)) : Optional.empty();
    }

    /** Why {@link #find} found nothing for {@code kernel}, as a sentence naming the files looked for. */
    public static String explainMissing(Path kernel) {
        if (kernel == null) {
            return "no kernel image is known, so no System.map/BTF can be found next to it";
        }
        Path dir = dir(kernel);
        List<String> missing = new ArrayList<>();
        if (firstReadable(symbolCandidates(kernel)) == null) {
            missing.add("kernel symbols (" + names(symbolCandidates(kernel)) + ")");
        }
        if (firstReadable(btfCandidates(kernel)) == null) {
            missing.add("kernel BTF (" + names(btfCandidates(kernel)) + ")");
        }
        if (missing.isEmpty()) {
            return "kernel symbols and BTF were found next to " + kernel;
        }
        String zst = Files.isReadable(dir.resolve("vmlinux.zst"))
                ? "; vmlinux.zst is there: decompress it (zstd -d vmlinux.zst) to give both" : "";
        return "no " + String.join(" and no ", missing) + " in " + dir + " next to " + kernel.getFileName()
                + ": copy System.map and vmlinux.btf (or an unstripped vmlinux) from the kernel build" + zst;
    }

    /** Parses both files (seconds for a full vmlinux; about half a second for System.map + vmlinux.btf). */
    public Loaded load() {
        if (symbols.equals(btf) && isElf(symbols)) {
            ElfImage elf = ElfImage.open(symbols);
            return new Loaded(SymbolMap.fromElf(elf), Btf.fromElf(elf));
        }
        SymbolMap syms = isElf(symbols) ? SymbolMap.fromElf(ElfImage.open(symbols)) : SymbolMap.fromSystemMap(symbols);
        return new Loaded(syms, Btf.load(btf));
    }

    /** One line for logs: which files describe the kernel. */
    public String describe() {
        return symbols.equals(btf) ? symbols.toString() : symbols + " + " + btf.getFileName();
    }

    static List<Path> symbolCandidates(Path kernel) {
        Path dir = dir(kernel);
        List<Path> out = new ArrayList<>();
        if (isElf(kernel)) {
            out.add(kernel);
        }
        out.add(dir.resolve("System.map"));
        version(kernel).ifPresent(v -> out.add(dir.resolve("System.map-" + v)));
        out.add(dir.resolve("vmlinux"));
        version(kernel).ifPresent(v -> out.add(dir.resolve("vmlinux-" + v)));
        return out;
    }

    static List<Path> btfCandidates(Path kernel) {
        Path dir = dir(kernel);
        List<Path> out = new ArrayList<>();
        if (isElf(kernel)) {
            out.add(kernel);
        }
        out.add(dir.resolve("vmlinux.btf"));
        out.add(dir.resolve("vmlinux"));
        version(kernel).ifPresent(v -> out.add(dir.resolve("vmlinux-" + v)));
        return out;
    }

    /** {@code 6.1.0-13-amd64} from {@code vmlinuz-6.1.0-13-amd64} (Debian's /boot naming). */
    static Optional<String> version(Path kernel) {
        String n = kernel.getFileName().toString();
        for (String prefix : List.of("vmlinuz-", "bzImage-")) {
            if (n.startsWith(prefix) && n.length() > prefix.length()) {
                return Optional.of(n.substring(prefix.length()));
            }
        }
        return Optional.empty();
    }

    private static Path dir(Path kernel) {
        Path parent = kernel.toAbsolutePath().getParent();
        return parent == null ? Path.of("/") : parent;
    }

    private static Path firstReadable(List<Path> candidates) {
        for (Path p : candidates) {
            if (Files.isRegularFile(p) && Files.isReadable(p)) {
                return p;
            }
        }
        return null;
    }

    private static String names(List<Path> candidates) {
        return String.join(", ", candidates.stream().map(p -> p.getFileName().toString()).distinct().toList());
    }

    private static boolean isElf(Path p) {
        if (!Files.isRegularFile(p)) {
            return false;
        }
        try (var in = Files.newInputStream(p)) {
            byte[] b = in.readNBytes(4);
            return b.length == 4 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F';
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
