package io.ktstr4j.hoststate.compare;

import static io.ktstr4j.hoststate.Fixtures.MINUTE_NS;
import static io.ktstr4j.hoststate.Fixtures.SECOND_NS;
import static io.ktstr4j.hoststate.Fixtures.T0;
import static io.ktstr4j.hoststate.Fixtures.capture;
import static io.ktstr4j.hoststate.Fixtures.thread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.hoststate.HostCgroupStats;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComparisonTextTest {

    /** app: a third thread, one thread's minflt and another's wait_time_ns unread, nice and policy changed. */
    static Comparison appComparison() {
        HostStateSnapshot before = capture(T0,
                thread(1, "app").runTimeNs(SECOND_NS).minflt(10).nice(-5).build(),
                thread(2, 1, "app", "app-w").runTimeNs(SECOND_NS).minflt(30).build(),
                thread(5, "gone").build());
        HostStateSnapshot after = capture(T0 + MINUTE_NS,
                thread(1, "app").runTimeNs(2 * SECOND_NS).minflt(15).policy("SCHED_EXT").build(),
                thread(2, 1, "app", "app-w").runTimeNs(4 * SECOND_NS).policy("SCHED_EXT")
                        .missing(List.of("minflt")).build(),
                thread(3, 1, "app", "app-w").runTimeNs(SECOND_NS).minflt(1).missing(List.of("wait_time_ns")).build(),
                thread(6, "new").build());
        return CaptureComparison.compare(before, after, CompareOptions.DEFAULTS);
    }

    @Test
    void theTableHasKtstrsColumnsPartialMarksALimitAndTheUnmatchedGroups() {
        String text = ComparisonText.render(appComparison(), "before.hst.zst", "after.hst.zst", 4);

        assertThat(text).isEqualTo("""
                pcomm  threads  metric            baseline     candidate              delta        %
                app        2→3  run_time_ns   2000000000ns  7000000000ns  +5000000000.000ns  +250.0%
                app        2→3  minflt                  40           16*            -24.000   -60.0%
                app        2→3  nice                 -5..0             0             +2.500  -100.0%
                app        2→3  wait_time_ns           0ns          0ns*           +0.000ns        -
                … 28 more rows
                * app: 1 of 5 threads unread (minflt, wait_time_ns)

                busiest between the captures (60.000 s), share of one CPU:
                  pcomm    cpu  run_time_ns
                  app    8.3 %   5000000000

                1 group(s) only in baseline (before.hst.zst):
                  gone

                1 group(s) only in candidate (after.hst.zst):
                  new
                """);
    }

    @Test
    void settingsFollowTheCountersAsSameOrDiffers() {
        String text = ComparisonText.render(appComparison(), "a", "b", ComparisonText.ALL);

        assertThat(text).contains("""
                app        2→3  write_bytes                   0B               0B            +0.000B        -
                app        2→3  policy               SCHED_OTHER  SCHED_EXT (2/3)            differs        -
                app        2→3  cpu_affinity        4 cpus (0-3)     4 cpus (0-3)               same        -
                * app: 1 of 5 threads unread (minflt, wait_time_ns)
                """);
        assertThat(text).doesNotContain("more rows");
    }

    @Test
    void aValueNoThreadCouldReadShowsMissingNotZero() {
        HostStateSnapshot before = capture(T0, thread(1, "app").runTimeNs(SECOND_NS).build());
        HostStateSnapshot after = capture(T0 + MINUTE_NS,
                thread(1, "app").missing(List.of("run_time_ns")).build());
        String text = ComparisonText.render(CaptureComparison.compare(before, after, CompareOptions.DEFAULTS),
                "a", "b", ComparisonText.ALL);

        String row = text.lines().filter(l -> l.contains("run_time_ns")).findFirst().orElseThrow();
        assertThat(row.split(" +")).containsExactly("app", "1", "run_time_ns", "1000000000ns", "missing", "-", "-");
        assertThat(text).doesNotContain("* app").doesNotContain("busiest");
    }

    @Test
    void groupingByCgroupAddsTheCgroupTable() {
        HostStateSnapshot before = capture(T0, List.of(thread(1, "nginx").build()), Map.of(
                "/system.slice/nginx.service", new HostCgroupStats(1000, 0, 0, 4096),
                "/system.slice/old.service", new HostCgroupStats(5, 0, 0, 0)));
        HostStateSnapshot after = capture(T0 + MINUTE_NS, List.of(thread(1, "nginx").build()), Map.of(
                "/system.slice/nginx.service",
                new HostCgroupStats(3000, 0, 0, 0, List.of("memory_current"))));
        String text = ComparisonText.render(CaptureComparison.compare(before, after,
                CompareOptions.DEFAULTS.withGroupBy(GroupBy.CGROUP)), "a", "b", 1);

        assertThat(text).isEqualTo("""
                cgroup                       threads  metric  baseline  candidate   delta  %
                /system.slice/nginx.service        1  nice           0          0  +0.000  -
                … 31 more rows

                cgroup                       cpu_usage_usec       nr_throttled  throttled_usec  memory_current
                /system.slice/nginx.service  1000 → 3000 (+2000)  0 → 0 (+0)    0 → 0 (+0)      4096 → missing
                /system.slice/old.service    5 → -                0 → -         0 → -           0 → -
                """);
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> ComparisonText.render(appComparison(), "a", "b", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--limit 0");
    }
}
