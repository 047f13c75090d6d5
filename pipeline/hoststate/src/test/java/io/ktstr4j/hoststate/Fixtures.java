package io.ktstr4j.hoststate;

import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.hoststate.CapturePhase;
import io.ktstr4j.schemas.hoststate.HostCgroupStats;
import io.ktstr4j.schemas.hoststate.ThreadState;
import java.util.List;
import java.util.Map;

/** Hand-built host-state captures for tests (this module's and, through its test-jar, the CLI's). */
public final class Fixtures {
    private Fixtures() {}

    /** 2026-04-27T12:00:00Z. */
    public static final long T0 = 1_777_291_200_000_000_000L;
    public static final long SECOND_NS = 1_000_000_000L;
    public static final long MINUTE_NS = 60 * SECOND_NS;
    public static final String HOST = "host-a";
    public static final List<Integer> FOUR_CPUS = List.of(0, 1, 2, 3);

    /** A process's main thread: tgid = tid, comm = pcomm, SCHED_OTHER, nice 0, CPUs 0-3, every other reading 0. */
    public static ThreadState.Builder thread(long tid, String pcomm) {
        return thread(tid, tid, pcomm, pcomm);
    }

    /** A thread of a process; the cgroup is {@code /system.slice/<pcomm>.service}. */
    public static ThreadState.Builder thread(long tid, long tgid, String pcomm, String comm) {
        return ThreadState.builder().tid(tid).tgid(tgid).pcomm(pcomm).comm(comm)
                .cgroup("/system.slice/" + pcomm + ".service").startTimeClockTicks(1000 + tid)
                .policy("SCHED_OTHER").nice(0).cpuAffinity(FOUR_CPUS);
    }

    /** A capture of {@link #HOST} at a time, taken by hand, with no cgroup stats. */
    public static HostStateSnapshot capture(long atUnixNs, ThreadState... threads) {
        return capture(atUnixNs, List.of(threads), Map.of());
    }

    /** A capture of {@link #HOST} at a time, taken by hand. */
    public static HostStateSnapshot capture(long atUnixNs, List<ThreadState> threads,
                                            Map<String, HostCgroupStats> cgroupStats) {
        return new HostStateSnapshot(atUnixNs, null, threads, cgroupStats, HOST, null, CapturePhase.MANUAL, null,
                Map.of());
    }

    /** The capture as if taken of another host. */
    public static HostStateSnapshot onHost(HostStateSnapshot s, String hostname) {
        return new HostStateSnapshot(s.capturedAtUnixNs(), s.host(), s.threads(), s.cgroupStats(), hostname,
                s.runId(), s.phase(), s.capture(), s.extra());
    }

    /** A run's before and after captures. */
    public static CapturePair aroundRun(CapturePair p, String runId) {
        return new CapturePair(p.baseline().aroundRun(runId, CapturePhase.BEFORE_RUN),
                p.candidate().aroundRun(runId, CapturePhase.AFTER_RUN));
    }

    /** Two captures of one host, the candidate taken after the baseline. */
    public record CapturePair(HostStateSnapshot baseline, HostStateSnapshot candidate) {
    }

    /**
     * A minute on a host where one process burned CPU: {@code stress-ng} (two threads, 22.8 s of run time each: 0.76
     * of a CPU), next to an idle {@code sshd} (12 ms: 0.02 %) and a {@code kworker/0:1} (3.6 s: 6 %).
     */
    public static CapturePair burner() {
        HostStateSnapshot before = capture(T0,
                thread(10, "sshd").runTimeNs(100_000_000).waitTimeNs(1_000_000).voluntaryCsw(50).build(),
                thread(20, "kworker/0:1").runTimeNs(2 * SECOND_NS).waitTimeNs(3_000_000).build(),
                thread(30, "stress-ng").runTimeNs(SECOND_NS).waitTimeNs(5_000_000).build(),
                thread(31, 30, "stress-ng", "stress-ng-cpu").runTimeNs(SECOND_NS).waitTimeNs(5_000_000).build());
        HostStateSnapshot after = capture(T0 + MINUTE_NS,
                thread(10, "sshd").runTimeNs(112_000_000).waitTimeNs(1_500_000).voluntaryCsw(60).build(),
                thread(20, "kworker/0:1").runTimeNs(5_600_000_000L).waitTimeNs(4_000_000).build(),
                thread(30, "stress-ng").runTimeNs(23_800_000_000L).waitTimeNs(900_000_000).build(),
                thread(31, 30, "stress-ng", "stress-ng-cpu").runTimeNs(23_800_000_000L).waitTimeNs(900_000_000)
                        .build());
        return new CapturePair(before, after);
    }
}
