package io.ktstr4j.vmm.hooks;

/**
 * Pauses and resumes every vCPU of a VM so a snapshot sees consistent guest memory. The Java VMM implements it by
 * parking its vCPU threads outside KVM_RUN; with QEMU, {@link QmpFreezer} sends QMP {@code stop}/{@code cont}.
 * Both calls block until the VM is actually stopped/running again.
 */
public interface VmFreezer {

    /** Returns once no vCPU runs guest code. */
    void freeze();

    /** Resumes the vCPUs. Must be called after every successful {@link #freeze()}. */
    void thaw();

    /**
     * Gets ready to freeze (e.g. opens the QMP connection), so that setup is not counted as time the guest was
     * frozen. Optional: {@link #freeze()} works without it.
     */
    default void prepare() {
    }

    /** Reads without pausing (state may tear between CPUs). */
    VmFreezer NONE = new VmFreezer() {
        @Override
        public void freeze() {}

        @Override
        public void thaw() {}
    };
}
