package io.ktstr4j.hoststate.compare;

/** Sums that stop at Long.MAX_VALUE instead of wrapping (ktstr sums its u64 counters with saturating_add). */
final class Saturating {
    private Saturating() {}

    static long add(long a, long b) {
        long s = a + b;
        // Overflow only when both have the same sign and the sum's sign differs.
        if (((a ^ s) & (b ^ s)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return s;
    }
}
