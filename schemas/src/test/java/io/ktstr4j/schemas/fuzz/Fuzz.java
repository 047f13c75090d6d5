package io.ktstr4j.schemas.fuzz;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * The one fuzz harness of the project (a test fixture: the schemas test-jar, so every module's tests can use it).
 * Seeded and repeatable: case {@code i} gets its own {@link Random} from the seed and {@code i}, so a failure names the
 * case and {@code -Dfuzz.seed=S -Dfuzz.case=I} replays exactly that one. Each case runs under three checks:
 * <ul>
 *   <li>time: a watchdog fails the run when a case is still running after its budget (a hang) and prints where;</li>
 *   <li>allocation: each {@link Ctx#underTest} call measures the bytes its thread allocated
 *       ({@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}) against the decoder's bound, from
 *       case {@link #WARM_UP} on (the first calls also load and initialise classes);</li>
 *   <li>exceptions: what the decoder throws must be in its documented boundary ({@code boundary}); anything else,
 *       and every {@link Error}, is a finding.</li>
 * </ul>
 * Case counts: {@code -Dfuzz.cases=N}, else {@link #CI_CASES} for the CI tests and {@link #FULL_CASES} for the
 * {@code full} tier.
 */
public final class Fuzz {

    public static final long CI_CASES = 50_000;
    public static final long FULL_CASES = 1_000_000;
    public static final long DEFAULT_SEED = 0x6b747374_72346aL;
    /** Cases run before allocations are checked. */
    public static final long WARM_UP = 100;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Fuzz() {}

    /** {@code -Dfuzz.cases}, else {@code dflt}. */
    public static long cases(long dflt) {
        return Long.getLong("fuzz.cases", dflt);
    }

    public static long seed() {
        return Long.getLong("fuzz.seed", DEFAULT_SEED);
    }

    /** Bytes allocated by the current thread so far. */
    public static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** What one case may take. */
    public record Limits(Duration perCase, Predicate<Throwable> boundary) {}

    /** A case: the generator and the calls under test, with the case's own random source. */
    @FunctionalInterface
    public interface Case {
        void run(Ctx ctx) throws Exception;
    }

    /** Per case: its random source and the measured calls. */
    public static final class Ctx {
        public final Random rnd;
        public final long index;
        private final Limits limits;
        private final Map<String, Long> refusals;
        private long maxAllocated;

        Ctx(Random rnd, long index, Limits limits, Map<String, Long> refusals) {
            this.rnd = rnd;
            this.index = index;
            this.limits = limits;
            this.refusals = refusals;
        }

        /**
         * Runs {@code body} (the decoder), which may allocate at most {@code maxBytes}; returns its result, or null
         * when it threw an exception of its boundary (counted by class).
         */
        public <T> T underTest(long maxBytes, Callable<T> body) {
            long before = allocated();
            T out = null;
            Throwable thrown = null;
            try {
                out = body.call();
            } catch (Throwable t) {
                thrown = t;
            }
            long used = allocated() - before;
            maxAllocated = Math.max(maxAllocated, used);
            if (used > maxBytes && index >= WARM_UP) {
                throw new Finding("allocated " + used + " bytes, its bound is " + maxBytes, thrown);
            }
            if (thrown != null) {
                if (thrown instanceof Error || !limits.boundary().test(thrown)) {
                    throw new Finding("threw outside its boundary: " + thrown, thrown);
                }
                refusals.merge(thrown.getClass().getSimpleName(), 1L, Long::sum);
            }
            return out;
        }

        /** A property of the result that does not hold. */
        public void check(boolean ok, String what) {
            if (!ok) {
                throw new Finding(what, null);
            }
        }
    }

    /** A case that broke a rule. */
    public static final class Finding extends RuntimeException {
        Finding(String what, Throwable cause) {
            super(what, cause);
        }
    }

    /** What a fuzz run saw. */
    public record Report(String name, long cases, long millis, long maxCaseNanos, long maxAllocated,
                         Map<String, Long> refusals) {
        @Override
        public String toString() {
            return String.format("fuzz %s: %d cases in %d ms (slowest %.1f ms, most allocated %d bytes), "
                    + "refused by kind %s", name, cases, millis, maxCaseNanos / 1e6, maxAllocated, refusals);
        }
    }

    private static final class State {
        volatile long caseIndex = -1;
        volatile long caseStart;
        volatile Throwable failure;
        volatile boolean done;
        long maxCaseNanos;
        long maxAllocated;
    }

    /**
     * Runs {@code cases} cases of {@code c} (or only {@code -Dfuzz.case}); throws {@link AssertionError} naming the
     * first case that hangs, throws outside {@code limits.boundary()} or allocates past its bound.
     */
    public static Report run(String name, long cases, Limits limits, Case c) {
        long seed = seed();
        Long only = Long.getLong("fuzz.case");
        Map<String, Long> refusals = new TreeMap<>();
        State st = new State();
        long t0 = System.nanoTime();
        Thread worker = new Thread(() -> {
            long from = only == null ? 0 : only;
            long to = only == null ? cases : only + 1;
            try {
                for (long i = from; i < to && st.failure == null; i++) {
                    st.caseStart = System.nanoTime();
                    st.caseIndex = i;
                    Ctx ctx = new Ctx(new Random(seed * 0x9E3779B97F4A7C15L + i), i, limits, refusals);
                    try {
                        c.run(ctx);
                    } catch (Throwable t) {
                        st.failure = t instanceof Finding ? t : new Finding("the case threw " + t, t);
                        break;
                    }
                    long took = System.nanoTime() - st.caseStart;
                    st.maxCaseNanos = Math.max(st.maxCaseNanos, took);
                    st.maxAllocated = Math.max(st.maxAllocated, ctx.maxAllocated);
                    if (took > limits.perCase().toNanos()) {
                        st.failure = new Finding("took " + took / 1_000_000 + " ms, its budget is "
                                + limits.perCase().toMillis() + " ms", null);
                    }
                }
            } finally {
                st.done = true;
            }
        }, "fuzz-" + name);
        worker.setDaemon(true);
        worker.start();
        try {
            while (!st.done) {
                worker.join(50);
                long i = st.caseIndex;
                if (!st.done && i >= 0 && System.nanoTime() - st.caseStart > 2 * limits.perCase().toNanos()
                        && st.caseIndex == i) {
                    StackTraceElement[] where = worker.getStackTrace();
                    worker.interrupt();
                    throw new AssertionError(String.format("fuzz %s: case %d (seed %d) hangs: still running after "
                            + "%d ms; replay with -Dfuzz.seed=%d -Dfuzz.case=%d; at%n  %s", name, i, seed,
                            2 * limits.perCase().toMillis(), seed, i, String.join("\n  ",
                                    Arrays.stream(where).map(String::valueOf).toList())));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (st.failure != null) {
            long i = st.caseIndex;
            throw new AssertionError(String.format("fuzz %s: case %d (seed %d): %s; replay with -Dfuzz.seed=%d "
                    + "-Dfuzz.case=%d", name, i, seed, st.failure.getMessage(), seed, i), st.failure);
        }
        Report r = new Report(name, only == null ? cases : 1, (System.nanoTime() - t0) / 1_000_000,
                st.maxCaseNanos, st.maxAllocated, refusals);
        System.out.println(r);
        return r;
    }
}
