package io.ktstr4j.vmm.initramfs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Writes a cpio archive in the "newc" format (magic 070701) that the Linux initramfs unpacker reads.
 * Each entry is a 110-byte ASCII header, the NUL-terminated name padded to 4 bytes, then the data padded to 4 bytes;
 * the archive ends with the {@code TRAILER!!!} entry. Names are stored without a leading slash, as the kernel expects.
 * Duplicate names are refused: the kernel would silently keep the last one.
 */
public final class CpioWriter implements AutoCloseable {

    public static final int S_IFREG = 0100000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFCHR = 0020000;

    private static final String MAGIC = "070701";
    private static final String TRAILER = "TRAILER!!!";

    private final OutputStream out;
    private final Set<String> names = new HashSet<>();
    private long written;
    private int nextIno = 1;
    private boolean finished;

    public CpioWriter(OutputStream out) {
        this.out = out;
    }

    /** A directory; parents must be added first (the kernel does not create them). */
    public CpioWriter directory(String name, int perm) throws IOException {
        return entry(name, S_IFDIR | (perm & 07777), 2, 0, 0, new byte[0]);
    }

    public CpioWriter file(String name, int perm, byte[] data) throws IOException {
        return entry(name, S_IFREG | (perm & 07777), 1, 0, 0, data);
    }

    public CpioWriter symlink(String name, String target) throws IOException {
        return entry(name, S_IFLNK | 0777, 1, 0, 0, target.getBytes(StandardCharsets.UTF_8));
    }

    public CpioWriter charDevice(String name, int perm, int major, int minor) throws IOException {
        return entry(name, S_IFCHR | (perm & 07777), 1, major, minor, new byte[0]);
    }

    /** Bytes written so far (headers, names, data, padding). */
    public long bytesWritten() {
        return written;
    }

    private CpioWriter entry(String name, int mode, int nlink, int rdevMajor, int rdevMinor, byte[] data)
            throws IOException {
        if (finished) {
            throw new IllegalStateException("cpio archive already finished");
        }
        String n = normalize(name);
        if (!names.add(n)) {
            throw new IllegalArgumentException("cpio: duplicate entry '" + n + "'");
        }
        writeEntry(n, mode, nlink, rdevMajor, rdevMinor, data, nextIno++);
        return this;
    }

    private void writeEntry(String name, int mode, int nlink, int rdevMajor, int rdevMinor, byte[] data, int ino)
            throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(110).append(MAGIC);
        hex(h, ino);
        hex(h, mode);
        hex(h, 0); // uid
        hex(h, 0); // gid
        hex(h, nlink);
        hex(h, 0); // mtime: fixed so archives are reproducible and content-addressable
        hex(h, data.length);
        hex(h, 0); // devmajor
        hex(h, 0); // devminor
        hex(h, rdevMajor);
        hex(h, rdevMinor);
        hex(h, nameBytes.length + 1);
        hex(h, 0); // check (unused by newc)
        put(h.toString().getBytes(StandardCharsets.US_ASCII));
        put(nameBytes);
        put(new byte[] {0});
        pad();
        put(data);
        pad();
    }

    /** Writes the trailer and pads to a 512-byte boundary. Does not close the underlying stream. */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        writeEntry(TRAILER, 0, 1, 0, 0, new byte[0], 0);
        finished = true;
        int rem = (int) (written % 512);
        if (rem != 0) {
            put(new byte[512 - rem]);
        }
        out.flush();
    }

    @Override
    public void close() throws IOException {
        finish();
    }

    static String normalize(String name) {
        String n = name;
        while (n.startsWith("/")) {
            n = n.substring(1);
        }
        if (n.isEmpty() || n.contains("\0") || n.equals(TRAILER)) {
            throw new IllegalArgumentException("cpio: invalid entry name '" + name + "'");
        }
        for (String part : n.split("/")) {
            if (part.isEmpty() || part.equals("..") || part.equals(".")) {
                throw new IllegalArgumentException("cpio: entry name '" + name + "' has an empty, '.' or '..' part");
            }
        }
        return n;
    }

    private static void hex(StringBuilder h, long v) {
        String s = Long.toHexString(v & 0xffffffffL).toUpperCase();
        h.append("0".repeat(8 - s.length())).append(s);
    }

    private void put(byte[] b) throws IOException {
        out.write(b);
        written += b.length;
    }

    private void pad() throws IOException {
        int rem = (int) (written % 4);
        if (rem != 0) {
            put(new byte[4 - rem]);
        }
    }
}
