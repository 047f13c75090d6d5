package io.ktstr4j.vmm.channel;

import io.ktstr4j.schemas.event.ChannelError;
import io.ktstr4j.schemas.event.GuestMessage;
import io.ktstr4j.vmm.GuestMemory;
import io.ktstr4j.vmm.ShmRegion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The host end of the SHM ring: reads messages the guest wrote between {@code read_ptr} and {@code write_ptr},
 * advances {@code read_ptr}, and decodes them ({@link TlvDecoder}).
 *
 * <p>The ring is untrusted guest memory. A bad header, pointers that run backwards or further apart than the
 * capacity, a message length past the ring, a CRC mismatch or an unknown type is counted and reported as a
 * {@link ChannelError}; the reader then skips the damage (resynchronising {@code read_ptr} to {@code write_ptr} when
 * the framing is lost) and goes on. Work per drain is bounded ({@code maxMessagesPerDrain}, and no payload over
 * {@link TlvDecoder#MAX_PAYLOAD} is copied), so a flooding guest fills its own ring and has its messages dropped
 * and counted by the guest ({@code drops}, surfaced as {@code ring_drops}); the host's memory does not grow.
 *
 * <p>{@code read_ptr} is the host's: once the host has written it, a different value found there (the guest rewound
 * it to have its messages read again, or moved it ahead) is reported as {@code read_ptr_rewritten} and replaced by the
 * host's own. So one drain copies at most the bytes between the host's read pointer and {@code write_ptr} (at most
 * the capacity), and no byte of the ring is read twice.
 */
public final class RingReader {

    /**
     * How often the ring is drained. A drain of an idle ring reads three header words, so a short period costs nearly
     * nothing, and it bounds how late the host learns of SCENARIO_START (the monitor's anchor and the run's phases).
     */
    public static final Duration DEFAULT_PERIOD = Duration.ofMillis(20);
    public static final int DEFAULT_MAX_MESSAGES_PER_DRAIN = 8192;

    private final GuestMemory mem;
    private final long base;
    private final long regionSize;
    private final int maxMessagesPerDrain;

    private final Map<String, Long> errorCounts = new TreeMap<>();
    private long lastWritePtr;
    private boolean writeKnown;
    /** read_ptr as the host last wrote it, valid while {@link #hostReadKnown}. */
    private long hostRead;
    private boolean hostReadKnown;
    private long lastDrops;
    private long messages;
    private boolean headerBad;
    private boolean memoryGone;

    public RingReader(GuestMemory mem, ShmRegion region) {
        this(mem, region.guestPhysBase(), region.size(), DEFAULT_MAX_MESSAGES_PER_DRAIN);
    }

    public RingReader(GuestMemory mem, long base, long size, int maxMessagesPerDrain) {
        if (size <= ShmLayout.HEADER_SIZE) {
            throw new IllegalArgumentException("shm region of " + size + " bytes cannot hold a ring header");
        }
        if (maxMessagesPerDrain < 1) {
            throw new IllegalArgumentException("maxMessagesPerDrain must be >= 1, got " + maxMessagesPerDrain);
        }
        this.mem = mem;
        this.base = base;
        this.regionSize = size;
        this.maxMessagesPerDrain = maxMessagesPerDrain;
    }

    /**
     * Messages as they arrive: a drain every {@code period} on {@code scheduler} until {@code until} signals (the VM
     * exited), then a final drain of everything left. Draining is a bounded memory copy, so it runs on a
     * non-blocking scheduler.
     */
    public Flux<GuestMessage> messages(Publisher<?> until, Duration period, Scheduler scheduler) {
        return Flux.interval(period, period, scheduler)
                .onBackpressureDrop() // a skipped tick only delays reading: the data stays in the ring
                .takeUntilOther(until)
                .concatMapIterable(t -> drain(), 1)
                .concatWith(Flux.defer(() -> Flux.fromIterable(drainAll())));
    }

    public Flux<GuestMessage> messages(Publisher<?> until) {
        return messages(until, DEFAULT_PERIOD, Schedulers.parallel());
    }

    /** Writes an empty ring header (before the guest boots), so the guest finds the host's capacity. */
    public void initializeHeader() {
        ShmLayout.initHeader(mem, base, regionSize);
    }

    /** Host→guest: ask the guest for a SysRq-D dump (control byte 12 = 'D'). */
    public void requestDump() {
        mem.writeU8(base + ShmLayout.OFF_CTRL_DUMP, ShmLayout.DUMP_REQUEST);
    }

    /** Host→guest: ask the guest to wind down and report (signal slot byte 14 = 0xDD). */
    public void requestStop() {
        mem.writeU8(base + ShmLayout.OFF_CTRL_SIGNAL0, ShmLayout.STOP_REQUEST);
    }

    /** Channel errors by kind so far (a copy). */
    public synchronized Map<String, Long> errorCounts() {
        return Collections.unmodifiableMap(new TreeMap<>(errorCounts));
    }

    /** Messages read from the ring so far (decoded or not). */
    public synchronized long messagesRead() {
        return messages;
    }

    /** The guest's drop counter as last seen. */
    public synchronized long drops() {
        return lastDrops;
    }

    /** Drains until the ring is empty (bounded by 1024 rounds so a guest still writing cannot keep us here). */
    public List<GuestMessage> drainAll() {
        List<GuestMessage> all = new ArrayList<>();
        for (int i = 0; i < 1024; i++) {
            List<GuestMessage> part = drain();
            all.addAll(part);
            if (part.size() < maxMessagesPerDrain) {
                break;
            }
        }
        return all;
    }

    /** Reads up to {@code maxMessagesPerDrain} messages and advances read_ptr past them. Never throws. */
    public synchronized List<GuestMessage> drain() {
        List<GuestMessage> out = new ArrayList<>();
        if (memoryGone) {
            return out;
        }
        try {
            drainInto(out);
        } catch (RuntimeException e) { // GuestMemoryException when the VM is torn down, or a bounds bug: report once
            memoryGone = true;
            out.add(error("memory_unavailable", "guest memory read failed: " + e.getMessage()));
        }
        return out;
    }

    private void drainInto(List<GuestMessage> out) {
        byte[] h = new byte[ShmLayout.HEADER_SIZE];
        mem.read(base, h, 0, h.length);
        int magic = ShmLayout.getU32(h, ShmLayout.OFF_MAGIC);
        int version = ShmLayout.getU32(h, ShmLayout.OFF_VERSION);
        long capacity = ShmLayout.getU32(h, ShmLayout.OFF_CAPACITY) & 0xffffffffL;
        if (magic == 0 && version == 0 && capacity == 0) {
            hostReadKnown = false;
            return; // not set up yet: the guest agent writes the header itself when the host did not
        }
        if (magic != ShmLayout.MAGIC || version != ShmLayout.VERSION || capacity < ShmLayout.MSG_HEADER_SIZE
                || capacity > regionSize - ShmLayout.HEADER_SIZE || capacity > ShmLayout.MAX_CAPACITY) {
            hostReadKnown = false; // a guest that sets the header up again starts its pointers afresh
            if (!headerBad) { // one report per episode, not one per 100 ms tick
                headerBad = true;
                out.add(error("bad_header", String.format("magic 0x%08x version %d capacity %d (region %d bytes)",
                        magic, version, capacity, regionSize)));
            }
            return;
        }
        headerBad = false;
        long write = ShmLayout.getU64(h, ShmLayout.OFF_WRITE_PTR);
        long read = ShmLayout.getU64(h, ShmLayout.OFF_READ_PTR);
        long drops = ShmLayout.getU64(h, ShmLayout.OFF_DROPS);
        if (drops != lastDrops) {
            long delta = drops - lastDrops;
            lastDrops = drops;
            out.add(new ChannelError("ring_drops", "guest dropped " + delta + " message(s), ring full", drops));
            count("ring_drops", delta > 0 ? delta : 1);
        }
        // Pointers are free-running u64 counters, compared modulo 2^64 as the agent computes them (w - r).
        if (writeKnown && write - lastWritePtr < 0) {
            out.add(error("pointer_backwards", "write_ptr went from " + Long.toUnsignedString(lastWritePtr) + " to "
                    + Long.toUnsignedString(write)));
            resync(write);
            return;
        }
        lastWritePtr = write;
        writeKnown = true;
        if (hostReadKnown && read != hostRead) {
            out.add(error("read_ptr_rewritten", "the guest moved read_ptr from " + Long.toUnsignedString(hostRead)
                    + " to " + Long.toUnsignedString(read) + "; the host's value stands"));
            read = hostRead;
        }
        if (Long.compareUnsigned(write - read, capacity) > 0) { // read ahead of write, or more than capacity apart
            out.add(error("bad_pointers", "read_ptr " + Long.toUnsignedString(read) + ", write_ptr "
                    + Long.toUnsignedString(write) + ", capacity " + capacity));
            resync(write);
            return;
        }
        byte[] mh = new byte[ShmLayout.MSG_HEADER_SIZE];
        int n = 0;
        while (n < maxMessagesPerDrain && write - read >= ShmLayout.MSG_HEADER_SIZE) {
            readRing(read, capacity, mh, ShmLayout.MSG_HEADER_SIZE);
            int type = ShmLayout.getU32(mh, 0);
            long len = ShmLayout.getU32(mh, 4) & 0xffffffffL;
            int crc = ShmLayout.getU32(mh, 8);
            long avail = write - read - ShmLayout.MSG_HEADER_SIZE;
            if (len > avail || len > TlvDecoder.MAX_PAYLOAD) {
                out.add(error("bad_length", ShmLayout.tag(type) + " message claims " + len + " payload bytes, "
                        + avail + " are in the ring (max " + TlvDecoder.MAX_PAYLOAD + "); skipped to write_ptr"));
                read = write;
                break;
            }
            byte[] payload = new byte[(int) len];
            readRing(read + ShmLayout.MSG_HEADER_SIZE, capacity, payload, (int) len);
            read += ShmLayout.MSG_HEADER_SIZE + len;
            n++;
            messages++;
            GuestMessage m = TlvDecoder.decode(type, payload, crc);
            if (m instanceof ChannelError ce) {
                count(ce.kind(), 1);
                m = new ChannelError(ce.kind(), ce.detail(), errorCounts.get(ce.kind()));
            }
            out.add(m);
        }
        if (write - read > 0 && write - read < ShmLayout.MSG_HEADER_SIZE) {
            // A writer publishes header and payload together, so a partial header means corrupt framing.
            out.add(error("bad_length", (write - read) + " trailing bytes are too few for a message header"));
            read = write;
        }
        writeReadPtr(read);
    }

    private void resync(long write) {
        lastWritePtr = write;
        writeKnown = true;
        writeReadPtr(write);
    }

    private void writeReadPtr(long read) {
        mem.writeU64(base + ShmLayout.OFF_READ_PTR, read);
        hostRead = read;
        hostReadKnown = true;
    }

    private void readRing(long ptr, long capacity, byte[] dst, int len) {
        long pos = Long.remainderUnsigned(ptr, capacity);
        int first = (int) Math.min(len, capacity - pos);
        long data = base + ShmLayout.HEADER_SIZE;
        if (first > 0) {
            mem.read(data + pos, dst, 0, first);
        }
        if (first < len) {
            mem.read(data, dst, first, len - first);
        }
    }

    private ChannelError error(String kind, String detail) {
        long c = count(kind, 1);
        return new ChannelError(kind, TlvDecoder.cut(detail), c);
    }

    private long count(String kind, long by) {
        return errorCounts.merge(kind, by, Long::sum);
    }
}
