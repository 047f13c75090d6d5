package io.ktstr4j.vmm.monitor;

import io.ktstr4j.vmm.hooks.KvmStatsFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The KVM binary statistics format (Documentation/virt/kvm/api.rst, KVM_GET_STATS_FD): a header, an id string,
 * descriptors ({@code flags, exponent, size, offset, bucket_size, name}) and a data block of u64 values. The layout
 * (header + descriptors) is read once; {@link #read(KvmStatsFile)} then reads only the data block.
 */
public final class KvmStatsLayout {

    public static final int HEADER_SIZE = 24;
    public static final int DESC_FIXED = 16;
    /** Guards against a corrupt header making us allocate gigabytes. */
    static final int MAX_DESCRIPTORS = 4096;
    static final int MAX_NAME = 256;

    /** Keys ktstr surfaces (vCPU exits, halt polling, preemption, hypercalls). */
    public static final List<String> SURFACED = List.of("exits", "halt_exits", "halt_successful_poll",
            "halt_attempted_poll", "halt_wait_ns", "preemption_reported", "signal_exits", "hypercalls");

    public enum Type { CUMULATIVE, INSTANT, PEAK, LINEAR_HIST, LOG_HIST, UNKNOWN }

    public enum Unit { NONE, BYTES, SECONDS, CYCLES, BOOLEAN, UNKNOWN }

    /** One statistic; {@code size} u64 values at {@code offset} within the data block. */
    public record Descriptor(String name, Type type, Unit unit, boolean pow2, int exponent, int size, long offset,
                             long bucketSize) {}

    private final String id;
    private final List<Descriptor> descriptors;
    private final long dataOffset;
    private final long dataSize;

    private KvmStatsLayout(String id, List<Descriptor> descriptors, long dataOffset) {
        this.id = id;
        this.descriptors = List.copyOf(descriptors);
        this.dataOffset = dataOffset;
        long end = 0;
        for (Descriptor d : descriptors) {
            end = Math.max(end, d.offset() + 8L * d.size());
        }
        this.dataSize = end;
    }

    /** Reads and parses the header and descriptors of {@code file}. */
    public static KvmStatsLayout layout(KvmStatsFile file) {
        ByteBuffer h = readFully(file, 0, HEADER_SIZE);
        long descOffset = Integer.toUnsignedLong(h.getInt(16));
        long dataOffset = Integer.toUnsignedLong(h.getInt(20));
        long nameSize = Integer.toUnsignedLong(h.getInt(4));
        long num = Integer.toUnsignedLong(h.getInt(8));
        long descEnd = descOffset + num * (DESC_FIXED + nameSize);
        if (num > MAX_DESCRIPTORS || nameSize > MAX_NAME || descEnd > (64L << 20)) {
            throw new IllegalArgumentException("KVM stats header is implausible: " + num + " descriptors, name_size "
                    + nameSize);
        }
        ByteBuffer whole = readFully(file, 0, (int) Math.max(descEnd, Math.max(HEADER_SIZE, dataOffset)));
        return parse(whole);
    }

    /** Parses a buffer that holds at least the header, id and descriptors (offsets relative to its start). */
    public static KvmStatsLayout parse(ByteBuffer buf) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int base = b.position();
        if (b.remaining() < HEADER_SIZE) {
            throw new IllegalArgumentException("KVM stats: " + b.remaining() + " bytes is shorter than the header");
        }
        long nameSize = Integer.toUnsignedLong(b.getInt(base + 4));
        long num = Integer.toUnsignedLong(b.getInt(base + 8));
        long idOffset = Integer.toUnsignedLong(b.getInt(base + 12));
        long descOffset = Integer.toUnsignedLong(b.getInt(base + 16));
        long dataOffset = Integer.toUnsignedLong(b.getInt(base + 20));
        if (num > MAX_DESCRIPTORS || nameSize == 0 || nameSize > MAX_NAME) {
            throw new IllegalArgumentException("KVM stats: implausible header (num_desc " + num + ", name_size "
                    + nameSize + ")");
        }
        long descSize = DESC_FIXED + nameSize;
        if (idOffset + nameSize > b.remaining() || descOffset + num * descSize > b.remaining()) {
            throw new IllegalArgumentException("KVM stats: id or descriptors (at " + descOffset + ", " + num + " x "
                    + descSize + " bytes) lie outside the " + b.remaining() + " bytes read");
        }
        String id = cString(b, base + (int) idOffset, (int) nameSize);
        List<Descriptor> out = new ArrayList<>((int) num);
        for (int i = 0; i < num; i++) {
            int d = base + (int) (descOffset + i * descSize);
            int flags = b.getInt(d);
            int type = flags & 0xf;
            int unit = (flags >>> 4) & 0xf;
            int baseFlag = (flags >>> 8) & 0xf;
            int size = Short.toUnsignedInt(b.getShort(d + 6));
            long offset = Integer.toUnsignedLong(b.getInt(d + 8));
            long bucket = Integer.toUnsignedLong(b.getInt(d + 12));
            if (size == 0 || size > 4096) {
                throw new IllegalArgumentException("KVM stats: descriptor " + i + " has size " + size);
            }
            out.add(new Descriptor(cString(b, d + DESC_FIXED, (int) nameSize),
                    type < 5 ? Type.values()[type] : Type.UNKNOWN, unit < 5 ? Unit.values()[unit] : Unit.UNKNOWN,
                    baseFlag == 1, b.getShort(d + 4), size, offset, bucket));
        }
        return new KvmStatsLayout(id, out, dataOffset);
    }

    private static String cString(ByteBuffer b, int at, int max) {
        byte[] raw = new byte[max];
        b.get(at, raw);
        int n = 0;
        while (n < max && raw[n] != 0) {
            n++;
        }
        return new String(raw, 0, n, StandardCharsets.US_ASCII);
    }

    private static ByteBuffer readFully(KvmStatsFile file, long offset, int len) {
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            int n = file.pread(b, offset + b.position());
            if (n <= 0) {
                throw new IllegalArgumentException("KVM stats: file ended after " + b.position() + " of " + len
                        + " bytes at offset " + offset);
            }
        }
        return b.flip();
    }

    public String id() {
        return id;
    }

    public List<Descriptor> descriptors() {
        return descriptors;
    }

    /** Every scalar statistic (size 1) by name from one read of the data block; histograms are skipped. */
    public Map<String, Long> read(KvmStatsFile file) {
        ByteBuffer data = readFully(file, dataOffset, (int) dataSize);
        return values(data);
    }

    /** Scalars from a data block already read. */
    public Map<String, Long> values(ByteBuffer data) {
        ByteBuffer d = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        Map<String, Long> out = new LinkedHashMap<>();
        for (Descriptor s : descriptors) {
            if (s.size() == 1 && s.offset() + 8 <= d.remaining()) {
                out.put(s.name(), d.getLong(d.position() + (int) s.offset()));
            }
        }
        return out;
    }

    /** Only the {@link #SURFACED} keys present. */
    public static Map<String, Long> surfaced(Map<String, Long> all) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String k : SURFACED) {
            Long v = all.get(k);
            if (v != null) {
                out.put(k, v);
            }
        }
        return out;
    }
}
