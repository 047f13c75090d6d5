package io.ktstr4j.vmm.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The freeze protocol without KVM: threads standing in for vCPU loops ("runs" are short sleeps). */
class VcpuPauserTest {
    final AtomicBoolean stopping = new AtomicBoolean();
    final AtomicInteger kicks = new AtomicInteger();
    final VcpuPauser pauser = new VcpuPauser(kicks::incrementAndGet, stopping::get);
    final List<Thread> threads = new ArrayList<>();

    /** A vCPU loop: park between runs; {@code stuck} never comes back from its "KVM_RUN". */
    AtomicLong vcpu(boolean stuck) {
        AtomicLong runs = new AtomicLong();
        pauser.enter();
        Thread t = new Thread(() -> {
            try {
                while (!stopping.get()) {
                    pauser.parkIfRequested();
                    runs.incrementAndGet();
                    Thread.sleep(stuck ? 60_000 : 1);
                }
            } catch (InterruptedException ignored) {
                // test teardown
            } finally {
                pauser.leave();
            }
        });
        t.setDaemon(true);
        threads.add(t);
        t.start();
        return runs;
    }

    @AfterEach
    void stop() throws InterruptedException {
        stopping.set(true);
        for (Thread t : threads) {
            t.interrupt();
            t.join(2000);
        }
    }

    @Test
    void freezeReturnsWithEveryVcpuParkedAndThawLetsThemRun() throws Exception {
        AtomicLong a = vcpu(false);
        AtomicLong b = vcpu(false);
        pauser.freeze();
        assertThat(pauser.frozen()).isTrue();
        assertThat(kicks.get()).isPositive();
        long ra = a.get();
        long rb = b.get();
        Thread.sleep(100);
        assertThat(a.get()).as("no run while frozen").isEqualTo(ra);
        assertThat(b.get()).isEqualTo(rb);
        pauser.thaw();
        assertThat(pauser.frozen()).isFalse();
        Thread.sleep(100);
        assertThat(a.get()).isGreaterThan(ra);
        assertThat(b.get()).isGreaterThan(rb);
        pauser.freeze(); // again
        assertThat(pauser.frozen()).isTrue();
        pauser.thaw();
    }

    @Test
    void aVcpuThatNeverLeavesKvmRunMakesFreezeFailAndLeavesTheOthersRunning() throws Exception {
        AtomicLong ok = vcpu(false);
        vcpu(true);
        Thread.sleep(20);
        assertThatThrownBy(pauser::freeze).hasMessageContaining("1 of 2 vCPUs parked within 2000 ms");
        assertThat(pauser.requested()).isFalse();
        long r = ok.get();
        Thread.sleep(100);
        assertThat(ok.get()).as("the parked one went back to work").isGreaterThan(r);
    }

    @Test
    void aStopReleasesParkedVcpusAndFreezingTwiceIsRefused() throws Exception {
        vcpu(false);
        pauser.freeze();
        assertThatThrownBy(pauser::freeze).hasMessageContaining("already frozen");
        stopping.set(true);
        threads.get(0).join(2000);
        assertThat(threads.get(0).isAlive()).as("left its loop on stop while frozen").isFalse();
        pauser.thaw();
    }

    /** A stopping VM's vCPUs may be closed any moment: freezing it must not kick them (kvm_run may be unmapped). */
    @Test
    void freezingAStoppingVmThrowsWithoutKicking() throws Exception {
        vcpu(false);
        stopping.set(true);
        assertThatThrownBy(pauser::freeze).hasMessageContaining("stopping");
        assertThat(kicks.get()).isZero();
        assertThat(pauser.requested()).isFalse();
    }

    /** A stop during a freeze ends the kicking at once (before, it kicked every 5 ms until the vCPUs had left). */
    @Test
    void aStopDuringAFreezeEndsTheKicking() throws Exception {
        vcpu(true); // never parks: the freeze keeps waiting and kicking
        Thread.sleep(20);
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            stopping.set(true);
        });
        stopper.start();
        pauser.freeze(); // returns: the VM is stopping
        int after = kicks.get();
        Thread.sleep(50);
        assertThat(kicks.get()).as("no kick after the freeze returned").isEqualTo(after);
        stopper.join();
        pauser.thaw();
    }
}
