package io.ktstr4j.pipeline.gauntlet;

import io.ktstr4j.pipeline.Variant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One run of a variant: its trial (of {@code --trials}) and its attempt (a retry after an infrastructure failure is
 * attempt 2). Each has a stream key of its own, so the event ids of two runs of one variant never collide:
 * {@code steady/tiny-2llc/eevdf}, then {@code #t2} for the second trial and {@code #r1} for a first retry.
 *
 * @param variant      what runs
 * @param trial        1-based trial index
 * @param trials       how many trials the variant has
 * @param attempt      1-based attempt index (2 = the first retry)
 * @param retriedAfter why each earlier attempt of this trial was retried (empty on the first attempt)
 */
public record Execution(Variant variant, int trial, int trials, int attempt, List<String> retriedAfter) {

    public Execution {
        Objects.requireNonNull(variant, "variant");
        if (trial < 1 || trials < trial) {
            throw new IllegalArgumentException("trial " + trial + " of " + trials);
        }
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt " + attempt);
        }
        retriedAfter = List.copyOf(retriedAfter);
    }

    /** The first attempt of a trial. */
    public static Execution first(Variant v, int trial, int trials) {
        return new Execution(v, trial, trials, 1, List.of());
    }

    /** The next attempt, after this one failed for {@code why}. */
    public Execution retry(String why) {
        List<String> r = new ArrayList<>(retriedAfter);
        r.add("attempt " + attempt + ": " + why);
        return new Execution(variant, trial, trials, attempt + 1, r);
    }

    /** The key of this run's events and result: the variant's key, {@code #tN} past the first trial, {@code #rN} on a retry. */
    public String streamKey() {
        String k = variant.key();
        if (trials > 1 && trial > 1) {
            k += "#t" + trial;
        }
        if (attempt > 1) {
            k += "#r" + (attempt - 1);
        }
        return k;
    }

    /** The variant's vCPUs. */
    public int vcpus() {
        return variant.topology().totalCpus();
    }
}
