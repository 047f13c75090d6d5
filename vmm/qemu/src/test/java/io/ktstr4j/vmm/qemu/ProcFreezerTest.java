package io.ktstr4j.vmm.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** vCPU CPU time from procfs thread names, and the /proc/PID/task/TID/stat parser behind it. */
class ProcFreezerTest {

    @Test
    void readsCpuTimeOfThreadsNamedLikeQemuVcpus() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread spinner = new Thread(() -> {
            while (!stop.get()) {
                Thread.onSpinWait();
            }
        }, "CPU 3/TEST");
        spinner.start();
        try {
            ProcVcpuCpuTime t = new ProcVcpuCpuTime(ProcessHandle.current().pid());
            long deadline = System.nanoTime() + 10_000_000_000L;
            long v = 0;
            while (System.nanoTime() < deadline) {
                v = t.cpuTimeNs(3).orElse(0);
                if (v >= 20_000_000L) {
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(v).as("the spinning 'CPU 3/TEST' thread accumulates CPU time").isGreaterThanOrEqualTo(20_000_000L);
            assertThat(t.cpuTimeNs(7)).isEmpty();
        } finally {
            stop.set(true);
            spinner.join();
        }
    }

    @Test
    void parsesStatLinesWithAwkwardNames() {
        String stat = "1234 (CPU 0/TCG) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 1 0";
        assertThat(ProcStat.state(stat)).isEqualTo('S');
        assertThat(ProcStat.cpuTicks(stat)).isEqualTo(300);
        assertThat(ProcStat.state("9 (a) b)) R 1")).isEqualTo('R');
    }
}
