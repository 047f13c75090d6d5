package io.ktstr4j.vmm.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.NativeLong;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Kicks reach only vCPU threads still in their loop; a thread that never leaves is reported, not waited for forever. */
class VcpuThreadsTest {
    final AtomicLong nextId = new AtomicLong(100);
    final ThreadLocal<NativeLong> ids = ThreadLocal.withInitial(() -> new NativeLong(nextId.incrementAndGet()));
    final List<Long> kicked = new CopyOnWriteArrayList<>();
    final VcpuThreads threads = new VcpuThreads(new VcpuThreads.Signaller() {
        @Override
        public NativeLong self() {
            return ids.get();
        }

        @Override
        public void kick(NativeLong thread) {
            kicked.add(thread.longValue());
        }
    });

    /** A stand-in vCPU thread: registers, waits for {@code release}, withdraws, exits. */
    Thread vcpu(CountDownLatch release, CountDownLatch registered) {
        Thread[] self = new Thread[1];
        int[] index = new int[1];
        self[0] = new Thread(() -> {
            threads.started(index[0]);
            registered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                return;
            } finally {
                threads.exiting(index[0]);
            }
        }, "vcpu-stand-in");
        self[0].setDaemon(true);
        index[0] = threads.add(self[0]);
        self[0].start();
        return self[0];
    }

    @Test
    void anExitedThreadIsNeverSignalled() throws Exception {
        CountDownLatch goA = new CountDownLatch(1);
        CountDownLatch goB = new CountDownLatch(1);
        CountDownLatch registered = new CountDownLatch(2);
        Thread a = vcpu(goA, registered);
        vcpu(goB, registered);
        assertThat(registered.await(5, TimeUnit.SECONDS)).isTrue();
        threads.kickAll();
        assertThat(kicked).hasSize(2);
        goA.countDown();
        a.join(5000);
        kicked.clear();
        threads.kickAll();
        assertThat(kicked).as("only the live thread").hasSize(1);
        goB.countDown();
        assertThat(threads.join(5000)).isEmpty();
        kicked.clear();
        threads.kickAll();
        assertThat(kicked).isEmpty();
    }

    @Test
    void aThreadThatNeverLeavesIsReportedAfterTheTimeoutAndKickedMeanwhile() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch registered = new CountDownLatch(1);
        Thread stuck = vcpu(never, registered);
        assertThat(registered.await(5, TimeUnit.SECONDS)).isTrue();
        long t0 = System.nanoTime();
        List<String> alive = threads.join(200);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(alive).containsExactly("vcpu-stand-in");
        assertThat(ms).isBetween(150L, 2000L);
        assertThat(kicked.size()).as("kicked about every 5 ms while waiting").isGreaterThan(5);
        never.countDown();
        stuck.join(5000);
        assertThat(threads.alive()).isEmpty();
    }
}
