package io.ktstr4j.stats;

import io.ktstr4j.schemas.report.ScenarioStats;
import io.ktstr4j.schemas.sidecar.HostContext;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.schemas.verdict.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Synthetic results whose numbers the tests choose: a sidecar with a few stats set, the rest zero. */
final class Results {

    private Results() {
    }

    /** A passing result of {@code test} under {@code scheduler} in run {@code run}, started {@code minute} minutes in. */
    static SidecarResult.Builder result(String test, String scheduler, String run, int minute) {
        return SidecarResult.builder().testName(test).topology("1n2l2c1t").scheduler(scheduler).workType("SpinWait")
                .projectCommit("abc1234").kernelVersion("6.12.117").runSource("local").backend("kvm")
                .variantKey(test + "/tiny-2llc/" + scheduler).runId(run)
                .timestamp(Instant.parse("2026-12-01T10:00:00Z").plusSeconds(60L * minute).toString())
                .passed(true).outcome(Outcome.PASS).stats(ScenarioStats.empty());
    }

    /** Stats with the given spread, gap, migrations and iterations (everything else zero). */
    static ScenarioStats stats(double spread, long gapMs, long migrations, long iterations) {
        return new ScenarioStats(List.of(), 4, 4, migrations, spread, gapMs, 0, 0, 0, 0, 0, iterations, 0, 0, 0, 0,
                0, 0, Map.of());
    }

    static HostContext host(String cpu, String governor) {
        return new HostContext(cpu, "GenuineIntel", 1L << 24, 0L, 0L, 2048L, null, null, null, 8, 1,
                Map.of(0, governor), "Linux", "6.8.0", "x86_64", null, null);
    }

    static List<Trial> trials(List<SidecarResult> results) {
        return results.stream().map(Trials::of).toList();
    }
}
