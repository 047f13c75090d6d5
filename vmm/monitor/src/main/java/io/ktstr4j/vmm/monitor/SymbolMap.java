package io.ktstr4j.vmm.monitor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;

/**
 * Kernel symbol name → link-time address, from System.map or a vmlinux ELF symbol table. With {@code nokaslr} these
 * are the guest's virtual addresses. Per-CPU symbols (e.g. {@code runqueues}) are offsets into the per-CPU area.
 * When a (static) name occurs more than once, the first occurrence wins; {@link #duplicates()} counts the rest.
 */
public final class SymbolMap {

    private final Map<String, Long> addresses;
    private final int duplicates;

    private SymbolMap(Map<String, Long> addresses, int duplicates) {
        this.addresses = java.util.Collections.unmodifiableMap(addresses);
        this.duplicates = duplicates;
    }

    /** Parses System.map lines {@code <hex address> <type> <name>}; malformed lines are an error naming the line. */
    public static SymbolMap fromSystemMap(Path file) {
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read System.map " + file, e);
        }
        Map<String, Long> m = new HashMap<>(1 << 18);
        int dup = 0;
        int lineNo = 0;
        int i = 0;
        // Hand-rolled: System.map has ~130k lines and is parsed once per run; String.split would dominate.
        while (i < b.length) {
            lineNo++;
            int eol = i;
            while (eol < b.length && b[eol] != '\n') {
                eol++;
            }
            int end = eol > i && b[eol - 1] == '\r' ? eol - 1 : eol;
            if (end > i) {
                long addr = 0;
                int p = i;
                while (p < end && b[p] != ' ') {
                    int d = Character.digit(b[p], 16);
                    if (d < 0 || p - i >= 16) {
                        throw malformed(file, lineNo, b, i, end);
                    }
                    addr = addr << 4 | d;
                    p++;
                }
                // expect " T name"
                if (p == i || p + 3 >= end || b[p + 2] != ' ') {
                    throw malformed(file, lineNo, b, i, end);
                }
                String name = new String(b, p + 3, end - p - 3, StandardCharsets.US_ASCII);
                if (m.putIfAbsent(name, addr) != null) {
                    dup++;
                }
            }
            i = eol + 1;
        }
        return new SymbolMap(m, dup);
    }

    private static IllegalArgumentException malformed(Path file, int lineNo, byte[] b, int from, int to) {
        return new IllegalArgumentException(file + ":" + lineNo + ": expected '<hex address> <type> <name>', got '"
                + new String(b, from, Math.min(to - from, 200), StandardCharsets.US_ASCII) + "'");
    }

    /** Reads the {@code .symtab} of a vmlinux; throws when the image is stripped. */
    public static SymbolMap fromElf(ElfImage elf) {
        Map<String, Long> m = new HashMap<>(1 << 18);
        int dup = 0;
        for (ElfImage.Symbol s : elf.symbols()) {
            // STT_FILE (4) and STT_SECTION (3) entries are not kernel symbols.
            if (s.type() == 3 || s.type() == 4 || s.sectionIndex() == 0) {
                continue;
            }
            if (m.putIfAbsent(s.name(), s.value()) != null) {
                dup++;
            }
        }
        if (m.isEmpty()) {
            throw new IllegalArgumentException("vmlinux has no symbol table (.symtab): use an unstripped vmlinux or System.map");
        }
        return new SymbolMap(m, dup);
    }

    /** Builds a map from explicit entries (tests, synthetic images). */
    public static SymbolMap of(Map<String, Long> entries) {
        return new SymbolMap(entries, 0);
    }

    public OptionalLong address(String name) {
        Long v = addresses.get(name);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    public boolean has(String name) {
        return addresses.containsKey(name);
    }

    /** The address of {@code name}, or an exception saying the symbol is needed and where it should come from. */
    public long require(String name) {
        Long v = addresses.get(name);
        if (v == null) {
            throw new NoSuchElementException("kernel symbol '" + name
                    + "' not found: the System.map/vmlinux must match the guest kernel");
        }
        return v;
    }

    public int size() {
        return addresses.size();
    }

    public int duplicates() {
        return duplicates;
    }
}
