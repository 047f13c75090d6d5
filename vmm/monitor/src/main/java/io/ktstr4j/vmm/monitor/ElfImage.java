package io.ktstr4j.vmm.monitor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of a little-endian ELF64 file (a vmlinux): its sections and its symbol table. Only what the
 * monitor needs: {@code .BTF} and {@code .symtab}/{@code .strtab}. The file is memory-mapped, not copied.
 */
public final class ElfImage {

    /** One section header. */
    public record Section(String name, int type, long addr, long offset, long size, int link, long entSize) {}

    /** One symbol: name, value (its address), size, ELF type ({@code STT_*}) and binding ({@code STB_*}). */
    public record Symbol(String name, long value, long size, int type, int bind, int sectionIndex) {}

    /** One program header of type PT_LOAD: where a file range goes in virtual and physical memory. */
    public record Segment(long offset, long vaddr, long paddr, long fileSize, long memSize) {}

    static final int SHT_SYMTAB = 2;
    static final int PT_LOAD = 1;

    private final Path path;
    private final ByteBuffer buf;
    private final List<Section> sections;

    private ElfImage(Path path, ByteBuffer buf) {
        this.path = path;
        this.buf = buf.order(ByteOrder.LITTLE_ENDIAN);
        this.sections = readSections();
    }

    /** Maps {@code file}; throws with the file name when it is not an ELF64 little-endian image. */
    public static ElfImage open(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(file + ": ELF larger than 2 GiB is not supported");
            }
            ByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            return new ElfImage(file, b);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ELF file " + file, e);
        }
    }

    /** Parses an ELF image already in memory (used by tests and for small objects). */
    public static ElfImage of(ByteBuffer image) {
        return new ElfImage(null, image.duplicate());
    }

    /** True when the first bytes are the ELF magic. */
    public static boolean isElf(ByteBuffer b) {
        return b.remaining() >= 4 && b.get(b.position()) == 0x7f && b.get(b.position() + 1) == 'E'
                && b.get(b.position() + 2) == 'L' && b.get(b.position() + 3) == 'F';
    }

    private String where() {
        return path == null ? "ELF image" : path.toString();
    }

    private List<Section> readSections() {
        if (!isElf(buf)) {
            throw new IllegalArgumentException(where() + ": not an ELF file (magic 7f 45 4c 46 expected)");
        }
        if (buf.get(4) != 2 || buf.get(5) != 1) {
            throw new IllegalArgumentException(where() + ": only ELF64 little-endian (EI_CLASS=2, EI_DATA=1) is supported");
        }
        long shoff = buf.getLong(0x28);
        int shentsize = Short.toUnsignedInt(buf.getShort(0x3a));
        int shnum = Short.toUnsignedInt(buf.getShort(0x3c));
        int shstrndx = Short.toUnsignedInt(buf.getShort(0x3e));
        if (shentsize < 64 || shoff <= 0 || shoff + (long) shnum * shentsize > buf.capacity() || shstrndx >= shnum) {
            throw new IllegalArgumentException(where() + ": section header table is out of the file (shoff=" + shoff
                    + ", shnum=" + shnum + ")");
        }
        long[][] raw = new long[shnum][];
        for (int i = 0; i < shnum; i++) {
            int o = (int) (shoff + (long) i * shentsize);
            raw[i] = new long[] {
                Integer.toUnsignedLong(buf.getInt(o)), buf.getInt(o + 4), buf.getLong(o + 0x10), buf.getLong(o + 0x18),
                buf.getLong(o + 0x20), buf.getInt(o + 0x28), buf.getLong(o + 0x38)
            };
        }
        long strOff = raw[shstrndx][3];
        List<Section> out = new ArrayList<>(shnum);
        for (long[] r : raw) {
            out.add(new Section(cString(strOff + r[0]), (int) r[1], r[2], r[3], r[4], (int) r[5], r[6]));
        }
        return List.copyOf(out);
    }

    private String cString(long off) {
        if (off < 0 || off >= buf.capacity()) {
            return "";
        }
        int end = (int) off;
        while (end < buf.capacity() && buf.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end - (int) off];
        buf.get((int) off, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    public List<Section> sections() {
        return sections;
    }

    public Optional<Section> section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The bytes of a section (a view, little-endian). */
    public Optional<ByteBuffer> sectionData(String name) {
        return section(name).map(s -> {
            if (s.offset() < 0 || s.offset() + s.size() > buf.capacity()) {
                throw new IllegalArgumentException(where() + ": section " + name + " lies outside the file");
            }
            return buf.slice((int) s.offset(), (int) s.size()).order(ByteOrder.LITTLE_ENDIAN);
        });
    }

    /** The PT_LOAD program headers (what a loader copies where). */
    public List<Segment> loadSegments() {
        long phoff = buf.getLong(0x20);
        int phentsize = Short.toUnsignedInt(buf.getShort(0x36));
        int phnum = Short.toUnsignedInt(buf.getShort(0x38));
        List<Segment> out = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int o = (int) (phoff + (long) i * phentsize);
            if (o < 0 || o + 56 > buf.capacity()) {
                throw new IllegalArgumentException(where() + ": program header " + i + " lies outside the file");
            }
            if (buf.getInt(o) == PT_LOAD) {
                out.add(new Segment(buf.getLong(o + 8), buf.getLong(o + 0x10), buf.getLong(o + 0x18),
                        buf.getLong(o + 0x20), buf.getLong(o + 0x28)));
            }
        }
        return out;
    }

    /** A view of {@code len} bytes at file offset {@code off}. */
    public ByteBuffer bytes(long off, long len) {
        if (off < 0 || len < 0 || off + len > buf.capacity()) {
            throw new IllegalArgumentException(where() + ": range " + off + "+" + len + " lies outside the file");
        }
        return buf.slice((int) off, (int) len).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Every named symbol of {@code .symtab} (empty when the image is stripped). */
    public List<Symbol> symbols() {
        Optional<Section> symtab = sections.stream().filter(s -> s.type() == SHT_SYMTAB).findFirst();
        if (symtab.isEmpty()) {
            return List.of();
        }
        Section st = symtab.get();
        Section strtab = sections.get(st.link());
        int n = (int) (st.size() / 24);
        List<Symbol> out = new ArrayList<>(n);
        for (int i = 1; i < n; i++) {
            int o = (int) (st.offset() + i * 24L);
            long nameOff = Integer.toUnsignedLong(buf.getInt(o));
            if (nameOff == 0) {
                continue;
            }
            int info = buf.get(o + 4) & 0xff;
            int shndx = Short.toUnsignedInt(buf.getShort(o + 6));
            out.add(new Symbol(cString(strtab.offset() + nameOff), buf.getLong(o + 8), buf.getLong(o + 16),
                    info & 0xf, info >>> 4, shndx));
        }
        return out;
    }
}
