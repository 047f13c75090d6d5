package io.ktstr4j.hoststate.compare;

import io.ktstr4j.schemas.event.HostStateDelta;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.hoststate.CapturePhase;
import io.ktstr4j.schemas.hoststate.DeltaRow;
import io.ktstr4j.schemas.hoststate.GroupCpu;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The {@code host.state_delta} event body of two captures of one host, for the diff consumer: the largest changes,
 * the busiest groups, and whether the host was quiet, in one sentence.
 */
public final class DeltaSummaries {
    /** Busiest groups named in a summary sentence; more are counted. */
    static final int NAMED_IN_SUMMARY = 3;
    private static final DateTimeFormatter TIME_OF_DAY = DateTimeFormatter.ofPattern("HH:mm:ss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final DeltaOptions options;
    private final List<Glob> ignored;

    public DeltaSummaries(DeltaOptions options) {
        this.options = options;
        this.ignored = options.ignoredGroups().stream().map(Glob::of).toList();
    }

    /**
     * What changed between two captures of one host. IllegalArgumentException when they name different hosts, or the
     * candidate was not taken after the baseline (no CPU share to speak of).
     */
    public HostStateDelta summarize(HostStateSnapshot baseline, HostStateSnapshot candidate) {
        String host = hostOf(baseline, candidate);
        if (candidate.capturedAtUnixNs() <= baseline.capturedAtUnixNs()) {
            throw new IllegalArgumentException("the candidate capture (" + candidate.capturedAtUnixNs()
                    + " ns) is not later than the baseline (" + baseline.capturedAtUnixNs() + " ns)");
        }
        Comparison c = CaptureComparison.compare(baseline, candidate,
                CompareOptions.DEFAULTS.withGroupBy(options.groupBy()).withSortBy(SortBy.DELTA));
        List<DeltaRow> top = c.rows().stream()
                .filter(r -> r.delta() != null && r.delta() != 0)
                .limit(options.top())
                .toList();
        List<GroupCpu> busy = c.busiest().stream().filter(g -> !ignored(g.group())).toList();
        List<GroupCpu> aboveLimit = busy.stream().filter(g -> g.cpu() > options.quietLimit()).toList();
        String pair = pairOf(baseline, candidate);
        String runId = HostStateDelta.RUN_PAIR.equals(pair) ? baseline.runId() : null;
        return new HostStateDelta(host, pair, runId, baseline.capturedAtUnixNs(), candidate.capturedAtUnixNs(),
                options.groupBy().label(), busy.stream().limit(options.top()).toList(), top, c.onlyBaseline(),
                c.onlyCandidate(), aboveLimit.isEmpty(), summary(baseline, candidate, runId, aboveLimit));
    }

    /** {@code run} for one run's BEFORE_RUN and AFTER_RUN captures, {@code consecutive} otherwise. */
    public static String pairOf(HostStateSnapshot baseline, HostStateSnapshot candidate) {
        boolean run = baseline.runId() != null && baseline.runId().equals(candidate.runId())
                && baseline.phase() == CapturePhase.BEFORE_RUN && candidate.phase() == CapturePhase.AFTER_RUN;
        return run ? HostStateDelta.RUN_PAIR : HostStateDelta.CONSECUTIVE_PAIR;
    }

    /** The host both captures name; {@code unknown} when neither does (ktstr files). */
    static String hostOf(HostStateSnapshot baseline, HostStateSnapshot candidate) {
        String a = baseline.hostname();
        String b = candidate.hostname();
        if (a != null && b != null && !a.equals(b)) {
            throw new IllegalArgumentException("the captures are of two hosts, '" + a + "' and '" + b
                    + "': a host-state delta compares one host with itself");
        }
        return Objects.requireNonNullElse(a != null ? a : b, "unknown");
    }

    private boolean ignored(String group) {
        return ignored.stream().anyMatch(g -> g.matches(group));
    }

    private String summary(HostStateSnapshot baseline, HostStateSnapshot candidate, String runId,
                           List<GroupCpu> aboveLimit) {
        String when = runId != null ? "during run " + runId
                : "between " + time(baseline, candidate, baseline.capturedAtUnixNs()) + " and "
                + time(baseline, candidate, candidate.capturedAtUnixNs());
        if (aboveLimit.isEmpty()) {
            return "the host was quiet " + when + ": no group above " + percent(options.quietLimit()) + " of a CPU";
        }
        StringBuilder s = new StringBuilder("the host was not quiet ").append(when).append(": ");
        for (int i = 0; i < Math.min(NAMED_IN_SUMMARY, aboveLimit.size()); i++) {
            GroupCpu g = aboveLimit.get(i);
            s.append(i == 0 ? "" : ", ").append(percent(g.cpu())).append(i == 0 ? " of a CPU went to " : " to ")
                    .append(g.group());
        }
        int more = aboveLimit.size() - NAMED_IN_SUMMARY;
        if (more > 0) {
            s.append(", and ").append(more).append(more == 1 ? " other group" : " other groups").append(" above ")
                    .append(percent(options.quietLimit()));
        }
        return s.toString();
    }

    /** The time of day when both captures are of one UTC day, the whole instant otherwise; to the second. */
    private static String time(HostStateSnapshot baseline, HostStateSnapshot candidate, long unixNs) {
        boolean oneDay = day(baseline.capturedAtUnixNs()).equals(day(candidate.capturedAtUnixNs()));
        Instant t = instant(unixNs).truncatedTo(ChronoUnit.SECONDS);
        return oneDay ? TIME_OF_DAY.format(t) : t.toString();
    }

    private static Instant day(long unixNs) {
        return instant(unixNs).truncatedTo(ChronoUnit.DAYS);
    }

    private static Instant instant(long unixNs) {
        return Instant.ofEpochSecond(0, unixNs);
    }

    /** A fraction of a CPU in percent: whole from 10 % up, one decimal below ({@code 38 %}, {@code 2.5 %}). */
    static String percent(double fraction) {
        double p = 100 * fraction;
        String n = p >= 10 ? String.format(Locale.ROOT, "%.0f", p) : String.format(Locale.ROOT, "%.1f", p);
        return (n.endsWith(".0") ? n.substring(0, n.length() - 2) : n) + " %";
    }
}
