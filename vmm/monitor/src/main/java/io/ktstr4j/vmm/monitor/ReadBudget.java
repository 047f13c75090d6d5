package io.ktstr4j.vmm.monitor;

import java.util.function.LongSupplier;

/**
 * What one snapshot may spend on guest data: bytes copied out of guest memory plus characters rendered from them
 * ({@link #MAX_BYTES}), rendered values ({@link #MAX_VALUES}) and time (a deadline). A hostile guest can make each of
 * these large (a BTF whose unions nest 9 deep with 5 members each renders 2.4 million values; a PERCPU map of 64
 * entries of 256 KiB on 64 CPUs is 1 GiB); the budget ends the reading instead, and the snapshot says so
 * ({@code Snapshot.incomplete}). Charges come from the one thread that reads; {@link #expire} may come from another.
 */
final class ReadBudget {

    /** Guest bytes copied plus characters rendered, per snapshot. */
    static final long MAX_BYTES = 32L << 20;
    /** Rendered values (numbers, strings, struct fields, array elements), per snapshot. */
    static final long MAX_VALUES = 200_000;

    /** Thrown by a charge over the budget; readers stop and keep what they have. */
    static final class Exceeded extends RuntimeException {
        Exceeded(String reason) {
            super(reason, null, false, false);
        }
    }

    private final long maxBytes;
    private final long maxValues;
    private final long deadlineNs;
    private final LongSupplier nanos;
    private long bytes;
    private long values;
    private volatile String exceeded;

    ReadBudget(long maxBytes, long maxValues, long deadlineNs, LongSupplier nanos) {
        this.maxBytes = maxBytes;
        this.maxValues = maxValues;
        this.deadlineNs = deadlineNs;
        this.nanos = nanos;
    }

    /** The per-snapshot limits, and a deadline {@code timeNs} from now. */
    static ReadBudget forSnapshot(long timeNs) {
        return new ReadBudget(MAX_BYTES, MAX_VALUES, System.nanoTime() + timeNs, System::nanoTime);
    }

    /** No time limit (readers used outside a snapshot), the same byte and value limits. */
    static ReadBudget untimed() {
        return new ReadBudget(MAX_BYTES, MAX_VALUES, Long.MAX_VALUE, System::nanoTime);
    }

    /** Charges {@code n} bytes (copied from the guest, or characters about to be rendered). */
    void bytes(long n, String what) {
        check();
        bytes += Math.max(0, n);
        if (bytes > maxBytes) {
            exceed(what + ": more than " + maxBytes + " bytes of guest data in one snapshot");
        }
    }

    /** Charges one rendered value. */
    void value() {
        check();
        if (++values > maxValues) {
            exceed("more than " + maxValues + " rendered values in one snapshot");
        }
    }

    /** Ends the budget from outside (the freeze deadline passed). */
    void expire(String reason) {
        if (exceeded == null) {
            exceeded = reason;
        }
    }

    boolean isExceeded() {
        return exceeded != null;
    }

    /** Why the budget ended, or null while it lasts. */
    String reason() {
        return exceeded;
    }

    long bytesCharged() {
        return bytes;
    }

    private void check() {
        String why = exceeded;
        if (why != null) {
            throw new Exceeded(why);
        }
        if (deadlineNs != Long.MAX_VALUE && nanos.getAsLong() - deadlineNs > 0) {
            exceed("the snapshot's time budget ran out");
        }
    }

    private void exceed(String reason) {
        expire(reason);
        throw new Exceeded(exceeded);
    }
}
