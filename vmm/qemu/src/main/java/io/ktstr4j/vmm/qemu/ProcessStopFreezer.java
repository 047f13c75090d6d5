package io.ktstr4j.vmm.qemu;

import com.sun.jna.LastErrorException;
import io.ktstr4j.vmm.hooks.VmFreezer;
import io.ktstr4j.vmm.nativelib.LibC;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Freezes a VMM process (QEMU) with SIGSTOP and resumes it with SIGCONT: every vCPU thread stops, so guest memory
 * holds still. Used when no QMP connection is available; {@link #freeze()} returns only once every thread of the
 * process shows state {@code T} in procfs (bounded wait). Guest time jumps by the frozen interval, as with QMP stop.
 */
public final class ProcessStopFreezer implements VmFreezer {

    static final int SIGCONT = LibC.SIGCONT, SIGSTOP = LibC.SIGSTOP;

    private final long pid;
    private final Duration timeout;

    public ProcessStopFreezer(long pid, Duration timeout) {
        if (pid <= 1) {
            throw new IllegalArgumentException("refusing to stop pid " + pid);
        }
        this.pid = pid;
        this.timeout = timeout;
    }

    @Override
    public void freeze() {
        signal(SIGSTOP);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!allStopped()) {
            if (System.nanoTime() > deadline) {
                signal(SIGCONT);
                throw new IllegalStateException("process " + pid + " did not stop within " + timeout);
            }
            Thread.onSpinWait();
        }
    }

    @Override
    public void thaw() {
        signal(SIGCONT);
    }

    private void signal(int sig) {
        try {
            LibC.INSTANCE.kill((int) pid, sig);
        } catch (LastErrorException e) {
            throw new IllegalStateException("kill(" + pid + ", " + sig + ") failed, errno " + e.getErrorCode()
                    + " (process gone?)");
        }
    }

    /** True when every thread of the process is stopped (state T or t). */
    boolean allStopped() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            List<Path> all = tasks.toList();
            for (Path t : all) {
                char state = ProcStat.state(Files.readString(t.resolve("stat")));
                if (state != 'T' && state != 't') {
                    return false;
                }
            }
            return !all.isEmpty();
        } catch (IOException e) {
            return false; // a thread exited while listing: look again
        }
    }
}
