package io.ktstr4j.vmm.initramfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what a dynamically linked x86_64 ELF needs at run time straight from the file: the program interpreter
 * ({@code PT_INTERP}), its {@code DT_NEEDED} libraries and {@code DT_RUNPATH}/{@code DT_RPATH}; and resolves the
 * recursive closure against library search paths the way ld.so would (runpath, then the default directories).
 * Nothing is executed, so this works for binaries the host could not run.
 */
public final class ElfDeps {

    /** Debian/Ubuntu multiarch first, then the classic locations ld.so searches by default. */
    public static final List<Path> DEFAULT_SEARCH_PATHS = List.of(
            Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/lib64"),
            Path.of("/usr/lib64"), Path.of("/lib"), Path.of("/usr/lib"), Path.of("/usr/local/lib"));

    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final int PT_INTERP = 3;
    private static final long DT_NULL = 0;
    private static final long DT_NEEDED = 1;
    private static final long DT_STRTAB = 5;
    private static final long DT_STRSZ = 10;
    private static final long DT_RPATH = 15;
    private static final long DT_RUNPATH = 29;
    private static final int EM_X86_64 = 62;
    /** Bounds for hostile or corrupt files: a real binary is far below these. */
    private static final int MAX_PHDRS = 4096;
    private static final int MAX_CLOSURE = 512;

    /** What one ELF file says about its dynamic linking. {@code interpreter} is null and lists empty when static. */
    public record Info(Path file, String interpreter, List<String> needed, List<String> runpath) {
        public boolean isDynamic() {
            return interpreter != null || !needed.isEmpty();
        }
    }

    /** A file the guest needs: where it must appear in the guest, and the host file to copy (symlinks followed). */
    public record Dependency(String guestPath, Path hostFile) {}

    private ElfDeps() {}

    /** True when the file starts with the ELF magic. */
    public static boolean isElf(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (var in = Files.newInputStream(file)) {
            byte[] m = in.readNBytes(4);
            return m.length == 4 && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F';
        }
    }

    /** Parses one file. Throws {@link IllegalArgumentException} naming the file when it is not a 64-bit x86_64 ELF. */
    public static Info read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": not a regular file (expected an x86_64 ELF binary)");
        }
        return parse(file, ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN));
    }

    static Info parse(Path file, ByteBuffer b) {
        try {
            if (b.limit() < 64 || b.get(0) != 0x7f || b.get(1) != 'E' || b.get(2) != 'L' || b.get(3) != 'F') {
                throw bad(file, "not an ELF file (no \\x7fELF magic)");
            }
            if (b.get(4) != 2 || b.get(5) != 1) {
                throw bad(file, "not a 64-bit little-endian ELF (class " + b.get(4) + ", data " + b.get(5) + ")");
            }
            int machine = Short.toUnsignedInt(b.getShort(18));
            if (machine != EM_X86_64) {
                throw bad(file, "ELF machine " + machine + " is not x86_64 (62)");
            }
            long phoff = b.getLong(32);
            int phentsize = Short.toUnsignedInt(b.getShort(54));
            int phnum = Short.toUnsignedInt(b.getShort(56));
            if (phnum > MAX_PHDRS || phentsize < 56) {
                throw bad(file, "implausible program header table (" + phnum + " entries of " + phentsize + " bytes)");
            }
            String interp = null;
            long dynOff = -1;
            long dynSize = 0;
            List<long[]> loads = new ArrayList<>(); // {vaddr, offset, filesz}
            for (int i = 0; i < phnum; i++) {
                int p = checkedIndex(file, b, phoff + (long) i * phentsize, 56);
                int type = b.getInt(p);
                long off = b.getLong(p + 8);
                long vaddr = b.getLong(p + 16);
                long filesz = b.getLong(p + 32);
                if (type == PT_INTERP) {
                    interp = cString(file, b, off, filesz);
                } else if (type == PT_DYNAMIC) {
                    dynOff = off;
                    dynSize = filesz;
                } else if (type == PT_LOAD) {
                    loads.add(new long[] {vaddr, off, filesz});
                }
            }
            List<String> needed = new ArrayList<>();
            List<String> runpath = new ArrayList<>();
            if (dynOff >= 0) {
                List<Long> neededOffs = new ArrayList<>();
                long strtab = -1;
                long strsz = 0;
                long rpath = -1;
                long runpathOff = -1;
                for (long e = 0; e + 16 <= dynSize; e += 16) {
                    int p = checkedIndex(file, b, dynOff + e, 16);
                    long tag = b.getLong(p);
                    long val = b.getLong(p + 8);
                    if (tag == DT_NULL) {
                        break;
                    } else if (tag == DT_NEEDED) {
                        neededOffs.add(val);
                    } else if (tag == DT_STRTAB) {
                        strtab = val;
                    } else if (tag == DT_STRSZ) {
                        strsz = val;
                    } else if (tag == DT_RPATH) {
                        rpath = val;
                    } else if (tag == DT_RUNPATH) {
                        runpathOff = val;
                    }
                }
                if (!neededOffs.isEmpty() || rpath >= 0 || runpathOff >= 0) {
                    long strFile = vaddrToOffset(file, loads, strtab);
                    for (long o : neededOffs) {
                        needed.add(dynString(file, b, strFile, strsz, o));
                    }
                    long rp = runpathOff >= 0 ? runpathOff : rpath; // RUNPATH wins over RPATH, as in ld.so
                    if (rp >= 0) {
                        for (String s : dynString(file, b, strFile, strsz, rp).split(":")) {
                            if (!s.isEmpty()) {
                                runpath.add(s);
                            }
                        }
                    }
                }
            }
            return new Info(file, interp, List.copyOf(needed), List.copyOf(runpath));
        } catch (IndexOutOfBoundsException e) {
            throw bad(file, "truncated or corrupt ELF (" + e.getMessage() + ")");
        }
    }

    /**
     * The files the guest needs to run {@code binary}: its interpreter and the recursive closure of DT_NEEDED, each
     * at the path where ld.so will look for it. Empty for a static binary.
     *
     * @param searchPaths directories tried after the binary's own runpath (use {@link #DEFAULT_SEARCH_PATHS})
     */
    public static List<Dependency> closure(Path binary, List<Path> searchPaths) throws IOException {
        Map<String, Dependency> out = new LinkedHashMap<>();
        Info root = read(binary);
        if (!root.isDynamic()) {
            return List.of();
        }
        if (root.interpreter() != null) {
            Path interp = Path.of(root.interpreter());
            if (!Files.isRegularFile(interp)) {
                throw new IllegalArgumentException(binary + ": its interpreter " + interp + " does not exist on this host");
            }
            // it becomes the guest's dynamic loader: a text file or another architecture's loader here would only
            // show up as the scheduler failing to exec inside the guest
            try {
                read(interp);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(binary + ": its interpreter (PT_INTERP) is not an x86_64 ELF file: "
                        + e.getMessage(), e);
            }
            out.put(interp.toString(), new Dependency(interp.toString(), interp.toRealPath()));
        }
        List<Info> work = new ArrayList<>(List.of(root));
        Map<String, Boolean> seen = new LinkedHashMap<>();
        while (!work.isEmpty()) {
            Info cur = work.remove(work.size() - 1);
            for (String lib : cur.needed()) {
                if (seen.putIfAbsent(lib, true) != null) {
                    continue;
                }
                if (seen.size() > MAX_CLOSURE) {
                    throw new IllegalArgumentException(binary + ": more than " + MAX_CLOSURE + " shared libraries needed");
                }
                Path found = resolve(cur, lib, searchPaths);
                if (found == null) {
                    throw new IllegalArgumentException(binary + ": shared library " + lib + " (needed by "
                            + cur.file().getFileName() + ") not found in " + describe(cur, searchPaths));
                }
                String guestPath = found.toAbsolutePath().normalize().toString();
                Dependency prior = out.get(guestPath);
                if (prior == null) {
                    out.put(guestPath, new Dependency(guestPath, found.toRealPath()));
                    work.add(read(found));
                }
            }
        }
        return List.copyOf(out.values());
    }

    private static Path resolve(Info from, String lib, List<Path> searchPaths) {
        if (lib.contains("/")) {
            Path p = Path.of(lib);
            return Files.isRegularFile(p) ? p : null;
        }
        for (Path dir : dirs(from, searchPaths)) {
            Path p = dir.resolve(lib);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static List<Path> dirs(Info from, List<Path> searchPaths) {
        List<Path> d = new ArrayList<>();
        Path origin = from.file().toAbsolutePath().getParent();
        for (String r : from.runpath()) {
            d.add(Path.of(r.replace("${ORIGIN}", origin.toString()).replace("$ORIGIN", origin.toString())));
        }
        d.addAll(searchPaths);
        return d;
    }

    private static String describe(Info from, List<Path> searchPaths) {
        return dirs(from, searchPaths).toString();
    }

    private static long vaddrToOffset(Path file, List<long[]> loads, long vaddr) {
        for (long[] l : loads) {
            if (vaddr >= l[0] && vaddr < l[0] + l[2]) {
                return vaddr - l[0] + l[1];
            }
        }
        throw bad(file, "DT_STRTAB address 0x" + Long.toHexString(vaddr) + " is not inside any PT_LOAD segment");
    }

    private static String dynString(Path file, ByteBuffer b, long strtab, long strsz, long off) {
        if (off < 0 || (strsz > 0 && off >= strsz)) {
            throw bad(file, "dynamic string offset " + off + " outside the string table (" + strsz + " bytes)");
        }
        return cString(file, b, strtab + off, Math.min(4096, b.limit() - (strtab + off)));
    }

    private static String cString(Path file, ByteBuffer b, long off, long max) {
        int start = checkedIndex(file, b, off, 1);
        int end = start;
        long lim = Math.min(b.limit(), start + Math.max(0, max));
        while (end < lim && b.get(end) != 0) {
            end++;
        }
        byte[] s = new byte[end - start];
        b.get(start, s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static int checkedIndex(Path file, ByteBuffer b, long off, int len) {
        if (off < 0 || off + len > b.limit()) {
            throw bad(file, "offset 0x" + Long.toHexString(off) + " + " + len + " is past the end of the file ("
                    + b.limit() + " bytes)");
        }
        return (int) off;
    }

    private static IllegalArgumentException bad(Path file, String why) {
        return new IllegalArgumentException(file + ": " + why);
    }
}
