package io.ktstr4j.hoststate.kafka;

import io.ktstr4j.schemas.event.HostStateDelta;
import java.util.concurrent.atomic.AtomicLong;

/** What the diff consumer did, for its status lines (updated by stream threads, read by the command). */
public final class DiffCounters {
    private final AtomicLong captures = new AtomicLong();
    private final AtomicLong deltas = new AtomicLong();
    private final AtomicLong notQuiet = new AtomicLong();
    private final AtomicLong stale = new AtomicLong();
    private final AtomicLong unnamed = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();

    void captureRead() {
        captures.incrementAndGet();
    }

    void delta(HostStateDelta d) {
        deltas.incrementAndGet();
        if (!d.quiet()) {
            notQuiet.incrementAndGet();
        }
    }

    void stale() {
        stale.incrementAndGet();
    }

    void unnamed() {
        unnamed.incrementAndGet();
    }

    void abandoned(long n) {
        abandoned.addAndGet(n);
    }

    void unreadable(long n) {
        unreadable.addAndGet(n);
    }

    public long deltas() {
        return deltas.get();
    }

    public long unreadable() {
        return unreadable.get();
    }

    /**
     * {@code host-state diff-watch: 12 captures read, 10 deltas published (3 not quiet), 0 not newer than their host's
     * last, 0 without a host name, 0 unreadable}.
     */
    public String line() {
        return "host-state diff-watch: " + captures.get() + " capture" + (captures.get() == 1 ? "" : "s") + " read, " + deltas.get() + " delta"
                + (deltas.get() == 1 ? "" : "s") + " published (" + notQuiet.get() + " not quiet), " + stale.get()
                + " not newer than their host's last, " + unnamed.get() + " without a host name, " + unreadable.get()
                + " unreadable, " + abandoned.get() + " runs' before-captures dropped unpaired";
    }
}
