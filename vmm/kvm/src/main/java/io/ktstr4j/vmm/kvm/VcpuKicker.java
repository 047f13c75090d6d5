package io.ktstr4j.vmm.kvm;

import com.sun.jna.Function;
import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import io.ktstr4j.vmm.nativelib.LibC;

/**
 * Kicks vCPU threads out of KVM_RUN. A signal only interrupts KVM_RUN if it has a handler, but a Java callback cannot
 * safely run in signal context, so SIGUSR1's handler is libc's {@code getpid}: async-signal-safe, ignores its argument,
 * does nothing. The caller sets {@code immediate_exit} first so a kick that lands just before KVM_RUN is not lost.
 */
public final class VcpuKicker {
    public static final int SIGNAL = LibC.SIGUSR1;
    private static volatile boolean installed;

    private VcpuKicker() {}

    /** Installs the no-op handler once per process (HotSpot does not use SIGUSR1 on Linux). */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        Function noop = NativeLibrary.getInstance("c").getFunction("getpid");
        try (Memory act = new Memory(152)) { // glibc struct sigaction on x86_64
            act.clear();
            act.setPointer(0, noop); // sa_handler; sa_mask empty; sa_flags 0 (no SA_RESTART: KVM_RUN must return EINTR)
            LibC.INSTANCE.sigaction(SIGNAL, act, null);
        } catch (LastErrorException e) {
            throw new KvmException("sigaction(SIGUSR1)", e.getErrorCode(), null);
        }
        installed = true;
    }

    /** The calling thread's pthread id, for {@link #kick}. */
    public static NativeLong currentThread() {
        return LibC.INSTANCE.pthread_self();
    }

    public static void kick(NativeLong thread) {
        LibC.INSTANCE.pthread_kill(thread, SIGNAL);
    }
}
