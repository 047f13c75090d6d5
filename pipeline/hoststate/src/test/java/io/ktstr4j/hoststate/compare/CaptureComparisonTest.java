package io.ktstr4j.hoststate.compare;

import static io.ktstr4j.hoststate.Fixtures.MINUTE_NS;
import static io.ktstr4j.hoststate.Fixtures.SECOND_NS;
import static io.ktstr4j.hoststate.Fixtures.T0;
import static io.ktstr4j.hoststate.Fixtures.capture;
import static io.ktstr4j.hoststate.Fixtures.thread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ktstr4j.hoststate.Fixtures;
import io.ktstr4j.hoststate.Fixtures.CapturePair;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.hoststate.DeltaRow;
import io.ktstr4j.schemas.hoststate.GroupCpu;
import io.ktstr4j.schemas.hoststate.HostCgroupStats;
import io.ktstr4j.schemas.hoststate.ThreadState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CaptureComparisonTest {

    static Comparison compare(CapturePair p, CompareOptions o) {
        return CaptureComparison.compare(p.baseline(), p.candidate(), o);
    }

    static Comparison compare(List<ThreadState> before, List<ThreadState> after, CompareOptions o) {
        return CaptureComparison.compare(capture(T0, before, Map.of()), capture(T0 + MINUTE_NS, after, Map.of()), o);
    }

    static DeltaRow row(Comparison c, String group, String metric) {
        return c.rows().stream().filter(r -> r.group().equals(group) && r.metric().equals(metric)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + group + " " + metric));
    }

    static SettingRow setting(Comparison c, String group, String metric) {
        return c.settings().stream().filter(r -> r.group().equals(group) && r.metric().equals(metric)).findFirst()
                .orElseThrow(() -> new AssertionError("no setting " + group + " " + metric));
    }

    @Test
    void theProcessThatBurnedCpuIsTheFirstRowAndTheBusiestGroup() {
        Comparison c = compare(Fixtures.burner(), CompareOptions.DEFAULTS);

        DeltaRow first = c.rows().get(0);
        assertThat(first.group()).isEqualTo("stress-ng");
        assertThat(first.metric()).isEqualTo("run_time_ns");
        assertThat(first.unit()).isEqualTo("ns");
        assertThat(first.baseline()).isEqualTo(2e9);
        assertThat(first.candidate()).isEqualTo(47.6e9);
        assertThat(first.delta()).isEqualTo(45.6e9);
        assertThat(first.percent()).isEqualTo(2280.0);
        assertThat(first.baselineThreads()).isEqualTo(2);
        assertThat(first.unread()).isZero();
        assertThat(c.rows().get(1)).extracting(DeltaRow::group, DeltaRow::metric)
                .containsExactly("kworker/0:1", "run_time_ns");

        assertThat(c.intervalNs()).isEqualTo(MINUTE_NS);
        assertThat(c.busiest()).extracting(GroupCpu::group).containsExactly("stress-ng", "kworker/0:1", "sshd");
        assertThat(c.busiest().get(0).cpu()).isCloseTo(0.76, within(1e-12));
        assertThat(c.busiest().get(0).runTimeNs()).isEqualTo(45_600_000_000L);
        assertThat(c.busiest().get(1).cpu()).isCloseTo(0.06, within(1e-12));
    }

    @Test
    void everyJoinedGroupHasThirtyNumericRowsAndTwoSettings() {
        Comparison c = compare(Fixtures.burner(), CompareOptions.DEFAULTS);

        assertThat(c.rows()).hasSize(3 * 30);
        assertThat(c.settings()).hasSize(3 * 2);
        assertThat(HostMetric.values()).hasSize(32);
        assertThat(HostMetric.values()[0].jsonName()).isEqualTo("policy");
        assertThat(HostMetric.values()[31].jsonName()).isEqualTo("write_bytes");
        assertThat(List.of(HostMetric.values())).filteredOn(m -> m.aggregation() == HostMetric.Aggregation.SUM)
                .hasSize(29);
    }

    @Test
    void aMetricNoThreadCouldReadHasNoValueNotZero() {
        ThreadState a = thread(1, "app").runTimeNs(5 * SECOND_NS).minflt(10).build();
        ThreadState b = thread(2, 1, "app", "app-w").runTimeNs(5 * SECOND_NS).minflt(10).build();
        List<String> unread = List.of("run_time_ns", "wait_time_ns", "timeslices");
        Comparison c = compare(List.of(a, b),
                List.of(a.toBuilder().missing(unread).build(), b.toBuilder().missing(unread).build()),
                CompareOptions.DEFAULTS);

        DeltaRow run = row(c, "app", "run_time_ns");
        assertThat(run.baseline()).isEqualTo(10e9);
        assertThat(run.candidate()).isNull();
        assertThat(run.delta()).isNull();
        assertThat(run.percent()).isNull();
        assertThat(run.unread()).isEqualTo(2);
        assertThat(c.candidateGroups().get("app").metric(HostMetric.RUN_TIME_NS).value()).isNull();
        // Rows without a delta sort last, in metric order.
        assertThat(c.rows().subList(c.rows().size() - 3, c.rows().size())).extracting(DeltaRow::metric)
                .containsExactly("run_time_ns", "wait_time_ns", "timeslices");
        // No CPU share can be told from a missing reading: the group is not among the busiest.
        assertThat(c.busiest()).isEmpty();
    }

    @Test
    void aMetricSomeThreadsCouldNotReadIsTheSumOfTheOthersMarkedPartial() {
        ThreadState a = thread(1, "app").minflt(10).build();
        ThreadState b = thread(2, 1, "app", "app-w").minflt(30).build();
        Comparison c = compare(List.of(a, b), List.of(a.toBuilder().minflt(15).build(),
                b.toBuilder().minflt(0).missing(List.of("minflt")).build()), CompareOptions.DEFAULTS);

        DeltaRow minflt = row(c, "app", "minflt");
        assertThat(minflt.baseline()).isEqualTo(40.0);
        assertThat(minflt.candidate()).isEqualTo(15.0);
        assertThat(minflt.unread()).isEqualTo(1);
        MetricSummary after = c.candidateGroups().get("app").metric(HostMetric.MINFLT);
        assertThat(after.partial()).isTrue();
        assertThat(after.unread()).isEqualTo(1);
        assertThat(c.baselineGroups().get("app").metric(HostMetric.MINFLT).partial()).isFalse();
    }

    @Test
    void aRealZeroStaysZero() {
        ThreadState idle = thread(1, "idle").build();
        Comparison c = compare(List.of(idle), List.of(idle.toBuilder().majflt(4).build()), CompareOptions.DEFAULTS);

        DeltaRow run = row(c, "idle", "run_time_ns");
        assertThat(run.baseline()).isEqualTo(0.0);
        assertThat(run.candidate()).isEqualTo(0.0);
        assertThat(run.delta()).isEqualTo(0.0);
        assertThat(run.unread()).isZero();
        DeltaRow majflt = row(c, "idle", "majflt");
        assertThat(majflt.delta()).isEqualTo(4.0);
        assertThat(majflt.percent()).as("no percent of a zero baseline").isNull();
    }

    @Test
    void percentIsOfTheBaseline() {
        ThreadState t = thread(1, "app").voluntaryCsw(200).build();
        Comparison c = compare(List.of(t), List.of(t.toBuilder().voluntaryCsw(150).build()), CompareOptions.DEFAULTS);

        assertThat(row(c, "app", "voluntary_csw").delta()).isEqualTo(-50.0);
        assertThat(row(c, "app", "voluntary_csw").percent()).isEqualTo(-25.0);
    }

    @Test
    void groupingByCommJoinsThreadsOfOneNameAcrossProcesses() {
        List<ThreadState> before = List.of(
                thread(1, 1, "postgres", "worker").runTimeNs(100).build(),
                thread(2, 2, "nginx", "worker").runTimeNs(200).build(),
                thread(3, 2, "nginx", "nginx").runTimeNs(400).build());
        Comparison byComm = compare(before, before, CompareOptions.DEFAULTS.withGroupBy(GroupBy.COMM));
        Comparison byPcomm = compare(before, before, CompareOptions.DEFAULTS);

        assertThat(byComm.baselineGroups()).containsOnlyKeys("worker", "nginx");
        assertThat(byComm.baselineGroups().get("worker").threads()).isEqualTo(2);
        assertThat(row(byComm, "worker", "run_time_ns").baseline()).isEqualTo(300.0);
        assertThat(byPcomm.baselineGroups()).containsOnlyKeys("nginx", "postgres");
        assertThat(row(byPcomm, "nginx", "run_time_ns").baseline()).isEqualTo(600.0);
    }

    @Test
    void groupingByCgroupComparesThreadsAndTheCgroupTable() {
        ThreadState web = thread(1, "nginx").cgroup("/system.slice/nginx.service").runTimeNs(SECOND_NS).build();
        ThreadState db = thread(2, "postgres").cgroup("/system.slice/pg.service").runTimeNs(SECOND_NS).build();
        HostStateSnapshot before = capture(T0, List.of(web, db), Map.of(
                "/system.slice/nginx.service", new HostCgroupStats(1000, 0, 0, 4096),
                "/system.slice/pg.service", new HostCgroupStats(2000, 1, 10, 8192)));
        HostStateSnapshot after = capture(T0 + MINUTE_NS,
                List.of(web.toBuilder().runTimeNs(3 * SECOND_NS).build(), db), Map.of(
                        "/system.slice/nginx.service", new HostCgroupStats(3000, 0, 0, 2048),
                        "/system.slice/pg.service",
                        new HostCgroupStats(2000, 0, 0, 0, List.of("nr_throttled", "throttled_usec"))));
        Comparison c = CaptureComparison.compare(before, after, CompareOptions.DEFAULTS.withGroupBy(GroupBy.CGROUP));

        assertThat(c.rows().get(0)).extracting(DeltaRow::group, DeltaRow::metric, DeltaRow::delta)
                .containsExactly("/system.slice/nginx.service", "run_time_ns", 2e9);
        assertThat(c.cgroups()).extracting(CgroupRow::cgroup)
                .containsExactly("/system.slice/nginx.service", "/system.slice/pg.service");
        CgroupRow nginx = c.cgroups().get(0);
        assertThat(nginx.cpuUsageUsec()).isEqualTo(new CgroupRow.Reading(1000L, 3000L, 2000L, 0, 0));
        assertThat(nginx.memoryCurrent()).isEqualTo(new CgroupRow.Reading(4096L, 2048L, -2048L, 0, 0));
        CgroupRow pg = c.cgroups().get(1);
        assertThat(pg.nrThrottled()).isEqualTo(new CgroupRow.Reading(1L, null, null, 0, 1));
        assertThat(pg.cpuUsageUsec().delta()).isZero();

        Comparison byPcomm = CaptureComparison.compare(before, after, CompareOptions.DEFAULTS);
        assertThat(byPcomm.cgroups()).as("the cgroup table belongs to grouping by cgroup").isEmpty();
    }

    @Test
    void flattenGroupsCgroupsUnderTheFirstMatchingGlob() {
        List<ThreadState> threads = List.of(
                thread(1, "app").cgroup("/kubepods/pod-1/app").runTimeNs(100).build(),
                thread(2, "app").cgroup("/kubepods/pod-2/app").runTimeNs(200).build(),
                thread(3, "sidecar").cgroup("/kubepods/pod-2/sidecar").runTimeNs(400).build(),
                thread(4, "sshd").cgroup("/system.slice/ssh.service").runTimeNs(800).build());
        HostStateSnapshot snap = capture(T0, threads, Map.of(
                "/kubepods/pod-1/app", new HostCgroupStats(10, 1, 5, 100),
                "/kubepods/pod-2/app", new HostCgroupStats(20, 2, 6, 300, List.of("throttled_usec")),
                "/kubepods/pod-2/sidecar", new HostCgroupStats(40, 0, 0, 50)));
        CompareOptions o = CompareOptions.DEFAULTS.withGroupBy(GroupBy.CGROUP)
                .withCgroupFlatten(List.of("/kubepods/*/app", "/kubepods/*"));
        Comparison c = CaptureComparison.compare(snap, snap, o);

        assertThat(c.baselineGroups()).containsOnlyKeys("/kubepods/*/app", "/kubepods/*", "/system.slice/ssh.service");
        assertThat(row(c, "/kubepods/*/app", "run_time_ns").baseline()).isEqualTo(300.0);
        assertThat(row(c, "/kubepods/*", "run_time_ns").baseline()).isEqualTo(400.0);
        CgroupRow app = c.cgroups().get(0);
        assertThat(app.cgroup()).isEqualTo("/kubepods/*");
        CgroupRow merged = c.cgroups().get(1);
        assertThat(merged.cgroup()).isEqualTo("/kubepods/*/app");
        assertThat(merged.cpuUsageUsec().baseline()).isEqualTo(30L);
        assertThat(merged.nrThrottled().baseline()).isEqualTo(3L);
        assertThat(merged.throttledUsec().baseline()).as("one of two merged entries unread").isEqualTo(5L);
        assertThat(merged.throttledUsec().baselineUnread()).isEqualTo(1);
        assertThat(merged.memoryCurrent().baseline()).as("the largest, not the sum").isEqualTo(300L);

        Comparison byPcomm = CaptureComparison.compare(snap, snap, o.withGroupBy(GroupBy.PCOMM));
        assertThat(byPcomm.baselineGroups()).containsOnlyKeys("app", "sidecar", "sshd");
    }

    @Test
    void anInvalidFlattenGlobIsRefusedByName() {
        assertThatThrownBy(() -> CompareOptions.DEFAULTS.withCgroupFlatten(List.of("/ok/*", "/kubepods/[pod")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'/kubepods/[pod'");
    }

    @Test
    void groupsInOneCaptureOnlyAreListedSortedWithoutRows() {
        Comparison c = compare(
                List.of(thread(1, "sshd").build(), thread(2, "zsh").build(), thread(3, "bash").build()),
                List.of(thread(1, "sshd").build(), thread(4, "vim").build(), thread(5, "make").build()),
                CompareOptions.DEFAULTS);

        assertThat(c.onlyBaseline()).containsExactly("bash", "zsh");
        assertThat(c.onlyCandidate()).containsExactly("make", "vim");
        assertThat(c.rows()).extracting(DeltaRow::group).containsOnly("sshd");
    }

    @Test
    void aGroupOnlyInTheCandidateCountsAmongTheBusiestByItsWholeRunTime() {
        Comparison c = compare(List.of(thread(1, "sshd").runTimeNs(SECOND_NS).build()),
                List.of(thread(1, "sshd").runTimeNs(SECOND_NS).build(),
                        thread(2, "cron-job").runTimeNs(30 * SECOND_NS).build()),
                CompareOptions.DEFAULTS);

        assertThat(c.busiest()).containsExactly(new GroupCpu("cron-job", 0.5, 30 * SECOND_NS));
    }

    @Test
    void aThreadThatExitedDoesNotHideOneThatBurnedInItsGroup() {
        Comparison c = compare(
                List.of(thread(1, "make").runTimeNs(9 * SECOND_NS).build(),
                        thread(2, "make").runTimeNs(SECOND_NS).build()),
                List.of(thread(2, "make").runTimeNs(7 * SECOND_NS).build()),
                CompareOptions.DEFAULTS);

        // The group's sum fell by 3 s (thread 1 exited), but thread 2 ran 6 s of the minute.
        assertThat(row(c, "make", "run_time_ns").delta()).isEqualTo(-3e9);
        assertThat(c.busiest()).containsExactly(new GroupCpu("make", 0.1, 6 * SECOND_NS));
    }

    @Test
    void aReusedTidIsAnotherThreadAndCountsItsWholeRunTime() {
        Comparison c = compare(List.of(thread(5, "job").runTimeNs(50 * SECOND_NS).build()),
                List.of(thread(5, "job").startTimeClockTicks(999_999).runTimeNs(3 * SECOND_NS).build()),
                CompareOptions.DEFAULTS);

        assertThat(c.busiest()).containsExactly(new GroupCpu("job", 0.05, 3 * SECOND_NS));
    }

    @Test
    void policyIsTheMostCommonValueComparedAsSameOrDiffers() {
        List<ThreadState> before = List.of(thread(1, "app").build(), thread(2, "app").build(),
                thread(3, "app").policy("SCHED_FIFO").build());
        List<ThreadState> after = List.of(thread(1, "app").policy("SCHED_EXT").build(),
                thread(2, "app").policy("SCHED_EXT").build(), thread(3, "app").build());
        Comparison c = compare(before, after, CompareOptions.DEFAULTS);

        SettingRow policy = setting(c, "app", "policy");
        assertThat(policy.baseline()).isEqualTo("SCHED_OTHER (2/3)");
        assertThat(policy.candidate()).isEqualTo("SCHED_EXT (2/3)");
        assertThat(policy.same()).isFalse();
        assertThat(c.settings().get(0)).as("changed settings first").isEqualTo(policy);
        assertThat(c.rows()).extracting(DeltaRow::metric).doesNotContain("policy", "cpu_affinity");
    }

    @Test
    void aPolicyTieGoesToTheAlphabeticallySmallest() {
        List<ThreadState> threads = List.of(thread(1, "app").policy("SCHED_OTHER").build(),
                thread(2, "app").policy("SCHED_FIFO").build());
        Comparison c = compare(threads, threads, CompareOptions.DEFAULTS);

        assertThat(setting(c, "app", "policy").baseline()).isEqualTo("SCHED_FIFO (1/2)");
        assertThat(setting(c, "app", "policy").same()).isTrue();
    }

    @Test
    void niceIsARangeComparedByItsMidpoint() {
        List<ThreadState> before = List.of(thread(1, "app").nice(-5).build(), thread(2, "app").nice(0).build());
        List<ThreadState> after = List.of(thread(1, "app").nice(0).build(), thread(2, "app").nice(0).build());
        Comparison c = compare(before, after, CompareOptions.DEFAULTS);

        assertThat(c.baselineGroups().get("app").metric(HostMetric.NICE).value())
                .isEqualTo(new Aggregate.Range(-5, 0));
        assertThat(new Aggregate.Range(-5, 0).text()).isEqualTo("-5..0");
        assertThat(new Aggregate.Range(0, 0).text()).isEqualTo("0");
        DeltaRow nice = row(c, "app", "nice");
        assertThat(nice.baseline()).isEqualTo(-2.5);
        assertThat(nice.candidate()).isEqualTo(0.0);
        assertThat(nice.delta()).isEqualTo(2.5);
        assertThat(nice.percent()).isEqualTo(-100.0);
    }

    @Test
    void affinityIsSummarizedAsText() {
        List<ThreadState> uniform = List.of(thread(1, "a").build(), thread(2, "a").build());
        List<ThreadState> sameCount = List.of(thread(3, "b").cpuAffinity(List.of(0, 1)).build(),
                thread(4, "b").cpuAffinity(List.of(2, 3)).build());
        List<ThreadState> mixed = List.of(thread(5, "c").cpuAffinity(List.of(0, 1)).build(),
                thread(6, "c").cpuAffinity(List.of(0, 1, 2, 3, 8, 10, 11)).build());
        List<ThreadState> before = new java.util.ArrayList<>(uniform);
        before.addAll(sameCount);
        before.addAll(mixed);
        List<ThreadState> after = List.of(thread(1, "a").build(), thread(2, "a").cpuAffinity(List.of(0, 1, 2)).build(),
                sameCount.get(0), sameCount.get(1), mixed.get(0), mixed.get(1));
        Comparison c = compare(before, after, CompareOptions.DEFAULTS);

        assertThat(setting(c, "a", "cpu_affinity").baseline()).isEqualTo("4 cpus (0-3)");
        assertThat(setting(c, "a", "cpu_affinity").candidate()).isEqualTo("3-4 cpus (mixed)");
        assertThat(setting(c, "a", "cpu_affinity").same()).isFalse();
        assertThat(setting(c, "b", "cpu_affinity").baseline()).isEqualTo("2 cpus (mixed)");
        assertThat(setting(c, "b", "cpu_affinity").same()).isTrue();
        assertThat(setting(c, "c", "cpu_affinity").baseline()).isEqualTo("2-7 cpus (mixed)");
        assertThat(new Aggregate.Affinity(7, 7, List.of(0, 1, 2, 3, 8, 10, 11)).text())
                .isEqualTo("7 cpus (0-3,8,10-11)");
        assertThat(new Aggregate.Affinity(0, 0, List.of()).text()).isEqualTo("0 cpus ()");
    }

    @Test
    void aSettingNoThreadCouldReadHasNoValue() {
        ThreadState t = thread(1, "app").build();
        Comparison c = compare(List.of(t), List.of(t.toBuilder().policy("").missing(List.of("policy")).build()),
                CompareOptions.DEFAULTS);

        SettingRow policy = setting(c, "app", "policy");
        assertThat(policy.candidate()).isNull();
        assertThat(policy.same()).isNull();
        assertThat(policy.unread()).isEqualTo(1);
    }

    @Test
    void rowsSortByAbsoluteDeltaThenGroupThenMetricOrder() {
        List<ThreadState> before = List.of(thread(1, "b").minflt(100).majflt(100).build(),
                thread(2, "a").minflt(100).rchar(1000).build());
        List<ThreadState> after = List.of(thread(1, "b").minflt(50).majflt(150).build(),
                thread(2, "a").minflt(150).rchar(900).build());
        Comparison c = compare(before, after, CompareOptions.DEFAULTS);

        assertThat(c.rows().subList(0, 4)).extracting(r -> r.group() + " " + r.metric())
                .containsExactly("a rchar", "a minflt", "b minflt", "b majflt");
    }

    @Test
    void sortingByPercentFollowsKtstrWithZeroBaselinesFirst() {
        List<ThreadState> before = List.of(thread(1, "app").minflt(100).majflt(0).rchar(1_000_000).syscr(10).build());
        List<ThreadState> after = List.of(thread(1, "app").minflt(300).majflt(1).rchar(1_500_000).syscr(4).build());
        Comparison c = compare(before, after, CompareOptions.DEFAULTS.withSortBy(SortBy.PERCENT));

        assertThat(c.rows().subList(0, 4)).extracting(DeltaRow::metric)
                .containsExactly("majflt", "minflt", "syscr", "rchar");
        Comparison byDelta = compare(before, after, CompareOptions.DEFAULTS);
        assertThat(byDelta.rows().subList(0, 4)).extracting(DeltaRow::metric)
                .containsExactly("rchar", "minflt", "syscr", "majflt");
    }

    @Test
    void sumsSaturateInsteadOfWrapping() {
        List<ThreadState> threads = List.of(thread(1, "app").rchar(Long.MAX_VALUE - 1).build(),
                thread(2, "app").rchar(10).build());
        Comparison c = compare(threads, threads, CompareOptions.DEFAULTS);

        assertThat(c.baselineGroups().get("app").metric(HostMetric.RCHAR).value())
                .isEqualTo(new Aggregate.Sum(Long.MAX_VALUE));
    }

    @Test
    void optionLabelsReadBackAndAnUnknownOneIsRefused() {
        for (GroupBy g : GroupBy.values()) {
            assertThat(GroupBy.of(g.label())).isEqualTo(g);
        }
        assertThat(SortBy.of("percent")).isEqualTo(SortBy.PERCENT);
        assertThatThrownBy(() -> GroupBy.of("tgid")).hasMessageContaining("pcomm, cgroup or comm");
        assertThatThrownBy(() -> SortBy.of("abs")).hasMessageContaining("delta or percent");
    }
}
