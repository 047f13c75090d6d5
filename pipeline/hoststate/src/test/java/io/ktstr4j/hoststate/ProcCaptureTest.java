package io.ktstr4j.hoststate;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.hoststate.CapturePhase;
import io.ktstr4j.schemas.hoststate.HostCgroupStats;
import io.ktstr4j.schemas.hoststate.ThreadState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcCaptureTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;

    @Test
    void aFixtureTreeIsCapturedWithExactValuesAndWhatCouldNotBeReadIsNamed() {
        ProcTree tree = new ProcTree(tmp)
                .thread(ProcTree.Thread.of(100, 100, "stress-ng", "stress-ng", 5_000_000_000L), true)
                .thread(ProcTree.Thread.of(100, 101, "stress-ng", "stress-ng-cpu", 7_000_000_000L), false)
                .thread(ProcTree.Thread.of(7, 7, "sshd", "sshd (priv) x", 1_000L).withCgroup("/"), true)
                .vanished(100, 102)
                .cgroup("/system.slice/stress-ng.service", 12_000_000, 1 << 20);
        HostStateSnapshot s = new ProcCapture(tmp, CLOCK).capture(CapturePhase.MANUAL, null);

        assertThat(s.capturedAtUnixNs()).isEqualTo(Instant.parse("2026-12-03T12:00:00Z").getEpochSecond() * 1_000_000_000L);
        assertThat(s.hostname()).isEqualTo("fixture-host");
        assertThat(s.host().kernelRelease()).isEqualTo("6.12.117");
        assertThat(s.phase()).isEqualTo(CapturePhase.MANUAL);
        assertThat(s.threads()).extracting(ThreadState::tid).containsExactly(7L, 100L, 101L);
        ThreadState main = s.threads().get(1);
        assertThat(main.pcomm()).isEqualTo("stress-ng");
        assertThat(main.runTimeNs()).isEqualTo(5_000_000_000L);
        assertThat(main.waitTimeNs()).isEqualTo(500_000_000L);
        assertThat(main.timeslices()).isEqualTo(100);
        assertThat(main.voluntaryCsw()).isEqualTo(300);
        assertThat(main.nonvoluntaryCsw()).isEqualTo(100);
        assertThat(main.minflt()).isEqualTo(200);
        assertThat(main.majflt()).isEqualTo(3);
        assertThat(main.startTimeClockTicks()).isEqualTo(1100);
        assertThat(main.policy()).isEqualTo("SCHED_OTHER");
        assertThat(main.cpuAffinity()).containsExactly(0, 1, 2, 3);
        assertThat(main.nrMigrations()).isEqualTo(2);
        assertThat(main.nrWakeups()).isEqualTo(7);
        assertThat(main.nrWakeupsLocal()).isEqualTo(5);
        assertThat(main.waitSum()).as("1.500000 ms in ns").isEqualTo(1_500_000);
        assertThat(main.sleepSum()).isEqualTo(10_000_001);
        assertThat(main.blockSum()).isEqualTo(500_000);
        assertThat(main.rchar()).isEqualTo(4096);
        assertThat(main.cgroup()).isEqualTo("/system.slice/stress-ng.service");
        assertThat(main.missing()).as("no /proc file has them").containsExactly("block_count", "allocated_bytes",
                "deallocated_bytes");
        ThreadState noIo = s.threads().get(2);
        assertThat(noIo.comm()).isEqualTo("stress-ng-cpu");
        assertThat(noIo.rchar()).isZero();
        assertThat(noIo.missing()).contains("rchar", "wchar", "syscr", "syscw", "read_bytes", "write_bytes");
        assertThat(s.threads().get(0).comm()).as("a command with ') ' in it").isEqualTo("sshd (priv) x");

        HostCgroupStats cg = s.cgroupStats().get("/system.slice/stress-ng.service");
        assertThat(cg).isEqualTo(new HostCgroupStats(12_000_000, 2, 300, 1 << 20, List.of()));
        assertThat(s.cgroupStats().get("/").missing()).as("the root's files are not in the fixture")
                .containsExactly("cpu_usage_usec", "nr_throttled", "throttled_usec", "memory_current");
        assertThat(s.capture().vanishedThreads()).isEqualTo(1);
        assertThat(s.capture().missingReadings()).as("the unreadable io, the root cgroup's files").isEqualTo(6 + 4);
    }

    @Test
    void thisMachinesProcHoldsThisTestsOwnThreadsWithPlausibleCounters() throws Exception {
        CountDownLatch burnt = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread burner = new Thread(() -> {
            // Spin until this thread has had 300 ms of CPU (not of wall time: a loaded CI host may give it less).
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long x = 0;
            long giveUp = System.nanoTime() + 20_000_000_000L; // a JVM without thread CPU time: 20 s of wall time
            while (mx.getCurrentThreadCpuTime() < 300_000_000L && System.nanoTime() < giveUp) {
                x += System.nanoTime() % 7;
            }
            burnt.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (x == 42) {
                System.out.print("");
            }
        }, "hst-burner");
        burner.start();
        burnt.await();
        try {
            HostStateSnapshot s = ProcCapture.live().capture(CapturePhase.MANUAL, null);
            long pid = ProcessHandle.current().pid();
            List<ThreadState> mine = s.threads().stream().filter(t -> t.tgid() == pid).toList();
            assertThat(mine).hasSizeGreaterThan(3);
            assertThat(mine).extracting(ThreadState::pcomm).containsOnly(mine.get(0).pcomm());
            ThreadState b = mine.stream().filter(t -> t.comm().equals("hst-burner")).findFirst().orElseThrow();
            if (!b.isMissing("run_time_ns")) {
                assertThat(b.runTimeNs()).as("it spun 300 ms of CPU").isGreaterThan(250_000_000L)
                        .isLessThan(60_000_000_000L);
            }
            assertThat(b.startTimeClockTicks()).isPositive();
            assertThat(b.policy()).isEqualTo("SCHED_OTHER");
            assertThat(b.cpuAffinity()).isNotEmpty();
            assertThat(b.voluntaryCsw() + b.nonvoluntaryCsw()).isPositive();
            String self = Files.readString(Path.of("/proc/self/cgroup"));
            assertThat(b.cgroup()).isEqualTo(ProcCapture.cgroupPath(self) == null ? "" : ProcCapture.cgroupPath(self));
            assertThat(s.hostname()).isNotBlank();
            assertThat(s.host()).isNotNull();
            assertThat(s.threads().size()).isGreaterThan(mine.size());
            assertThat(s.capture().durationMs()).isNotNegative();
            assertThat(s.capture().missingReadings()).isNotNegative();
        } finally {
            release.countDown();
            burner.join();
        }
    }

    @Test
    void schedTimesAreMillisecondsWithSixDecimalsKeptAsNanoseconds() {
        assertThat(ProcCapture.msToNs("1.709519")).isEqualTo(1_709_519);
        assertThat(ProcCapture.msToNs("41164091.539194")).isEqualTo(41_164_091_539_194L);
        assertThat(ProcCapture.msToNs("0.000000")).isZero();
        assertThat(ProcCapture.msToNs("n/a")).isNull();
    }
}
