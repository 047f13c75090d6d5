package io.ktstr4j.hoststate.compare;

import static io.ktstr4j.hoststate.Fixtures.MINUTE_NS;
import static io.ktstr4j.hoststate.Fixtures.SECOND_NS;
import static io.ktstr4j.hoststate.Fixtures.T0;
import static io.ktstr4j.hoststate.Fixtures.capture;
import static io.ktstr4j.hoststate.Fixtures.thread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.ktstr4j.hoststate.Fixtures;
import io.ktstr4j.hoststate.Fixtures.CapturePair;
import io.ktstr4j.schemas.event.HostStateDelta;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.hoststate.CapturePhase;
import io.ktstr4j.schemas.hoststate.DeltaRow;
import io.ktstr4j.schemas.hoststate.GroupCpu;
import io.ktstr4j.schemas.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeltaSummariesTest {

    static final DeltaSummaries WATCH = new DeltaSummaries(DeltaOptions.DEFAULTS);

    /**
     * A minute of a run: the harness's JVM (0.5 CPU) and VM (1 CPU), a kworker at 38 %, sshd at 12 %, cron at 5 %.
     */
    static CapturePair busyMinute() {
        HostStateSnapshot before = capture(T0,
                thread(1, "java").runTimeNs(SECOND_NS).build(),
                thread(2, "qemu-system-x86_64").runTimeNs(SECOND_NS).build(),
                thread(3, "kworker/0:1").runTimeNs(SECOND_NS).build(),
                thread(4, "sshd").runTimeNs(SECOND_NS).build(),
                thread(5, "cron").runTimeNs(SECOND_NS).build());
        HostStateSnapshot after = capture(T0 + MINUTE_NS,
                thread(1, "java").runTimeNs(31 * SECOND_NS).build(),
                thread(2, "qemu-system-x86_64").runTimeNs(61 * SECOND_NS).build(),
                thread(3, "kworker/0:1").runTimeNs(SECOND_NS + 22_800_000_000L).build(),
                thread(4, "sshd").runTimeNs(SECOND_NS + 7_200_000_000L).build(),
                thread(5, "cron").runTimeNs(4 * SECOND_NS).build());
        return new CapturePair(before, after);
    }

    @Test
    void aRunWithBusyGroupsOutsideTheHarnessIsNotQuiet() {
        HostStateDelta d = summarize(WATCH, Fixtures.aroundRun(busyMinute(), "run-7"));

        assertThat(d.host()).isEqualTo(Fixtures.HOST);
        assertThat(d.pair()).isEqualTo(HostStateDelta.RUN_PAIR);
        assertThat(d.runId()).isEqualTo("run-7");
        assertThat(d.groupBy()).isEqualTo("pcomm");
        assertThat(d.quiet()).isFalse();
        assertThat(d.summary())
                .isEqualTo("the host was not quiet during run run-7: 38 % of a CPU went to kworker/0:1, 12 % to sshd");
        assertThat(d.busiest()).extracting(GroupCpu::group).containsExactly("kworker/0:1", "sshd", "cron");
        assertThat(d.busiest().get(0).runTimeNs()).isEqualTo(22_800_000_000L);
        // The rows are every group's, the harness's too: the largest changes first.
        assertThat(d.top()).extracting(DeltaRow::group).startsWith("qemu-system-x86_64", "java", "kworker/0:1");
        assertThat(d.eventId()).isEqualTo("host.state_delta/host-a/run/" + T0 + "-" + (T0 + MINUTE_NS));
    }

    @Test
    void withoutIgnoredGroupsTheHarnessCountsToo() {
        HostStateDelta d = summarize(new DeltaSummaries(DeltaOptions.DEFAULTS.withIgnoredGroups(List.of())),
                busyMinute());

        assertThat(d.summary()).isEqualTo("the host was not quiet between 12:00:00Z and 12:01:00Z: 100 % of a CPU"
                + " went to qemu-system-x86_64, 50 % to java, 38 % to kworker/0:1, and 1 other group above 10 %");
    }

    @Test
    void aHostWhereNoGroupPassedTheLimitIsQuiet() {
        CapturePair p = busyMinute();
        HostStateDelta d = summarize(new DeltaSummaries(DeltaOptions.DEFAULTS
                .withIgnoredGroups(List.of("java", "qemu-system-*", "kworker/*", "ss?d"))), p);

        assertThat(d.pair()).isEqualTo(HostStateDelta.CONSECUTIVE_PAIR);
        assertThat(d.runId()).isNull();
        assertThat(d.quiet()).isTrue();
        assertThat(d.busiest()).extracting(GroupCpu::group).containsExactly("cron");
        assertThat(d.summary())
                .isEqualTo("the host was quiet between 12:00:00Z and 12:01:00Z: no group above 10 % of a CPU");
    }

    @Test
    void theQuietLimitIsAnOption() {
        HostStateDelta d = summarize(new DeltaSummaries(DeltaOptions.DEFAULTS.withQuietLimit(0.025)
                .withIgnoredGroups(List.of("java", "qemu-system-*", "kworker/*", "sshd"))), busyMinute());

        assertThat(d.quiet()).isFalse();
        assertThat(d.summary()).endsWith(": 5 % of a CPU went to cron");
    }

    @Test
    void capturesOfDifferentRunsOrPhasesAreConsecutive() {
        CapturePair p = busyMinute();
        HostStateSnapshot before = p.baseline().aroundRun("run-1", CapturePhase.BEFORE_RUN);

        assertThat(DeltaSummaries.pairOf(before, p.candidate().aroundRun("run-2", CapturePhase.AFTER_RUN)))
                .isEqualTo(HostStateDelta.CONSECUTIVE_PAIR);
        assertThat(DeltaSummaries.pairOf(before, p.candidate().aroundRun("run-1", CapturePhase.BEFORE_RUN)))
                .isEqualTo(HostStateDelta.CONSECUTIVE_PAIR);
        assertThat(DeltaSummaries.pairOf(before, p.candidate().aroundRun("run-1", CapturePhase.AFTER_RUN)))
                .isEqualTo(HostStateDelta.RUN_PAIR);
    }

    @Test
    void topHoldsTheLargestNonZeroChanges() {
        HostStateDelta d = summarize(new DeltaSummaries(DeltaOptions.DEFAULTS.withTop(2)), busyMinute());

        assertThat(d.top()).extracting(DeltaRow::group, DeltaRow::metric, DeltaRow::delta).containsExactly(
                tuple("qemu-system-x86_64", "run_time_ns", 60e9),
                tuple("java", "run_time_ns", 30e9));
        assertThat(d.busiest()).hasSize(2);
        HostStateDelta all = summarize(new DeltaSummaries(DeltaOptions.DEFAULTS.withTop(100)), busyMinute());
        assertThat(all.top()).hasSize(5).allSatisfy(r -> assertThat(r.delta()).isNotZero());
    }

    @Test
    void capturesOfTwoHostsAreRefused() {
        CapturePair p = busyMinute();

        assertThatThrownBy(() -> WATCH.summarize(p.baseline(), Fixtures.onHost(p.candidate(), "host-b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'host-a' and 'host-b'");
    }

    @Test
    void aCandidateNotLaterThanTheBaselineIsRefused() {
        CapturePair p = busyMinute();

        assertThatThrownBy(() -> WATCH.summarize(p.candidate(), p.baseline()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not later");
    }

    @Test
    void anInvalidIgnoredGlobIsRefused() {
        assertThatThrownBy(() -> DeltaOptions.DEFAULTS.withIgnoredGroups(List.of("qemu[")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'qemu['");
    }

    @Test
    void capturesOnDifferentDaysAreNamedByTheirInstants() {
        HostStateSnapshot before = capture(T0 - 12 * 60 * MINUTE_NS - MINUTE_NS, thread(1, "sshd").build());
        HostStateSnapshot after = capture(T0, thread(1, "sshd").build());

        assertThat(WATCH.summarize(before, after).summary()).isEqualTo("the host was quiet between"
                + " 2026-04-26T23:59:00Z and 2026-04-27T12:00:00Z: no group above 10 % of a CPU");
    }

    @Test
    void theEventReadsBackEqual() {
        HostStateDelta d = summarize(WATCH, Fixtures.aroundRun(busyMinute(), "run-7"));

        assertThat(Json.read(Json.write(d), HostStateDelta.class)).isEqualTo(d);
    }

    static HostStateDelta summarize(DeltaSummaries s, CapturePair p) {
        return s.summarize(p.baseline(), p.candidate());
    }
}
