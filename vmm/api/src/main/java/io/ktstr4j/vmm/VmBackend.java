package io.ktstr4j.vmm;

/**
 * A way to run a test VM: the Java KVM VMM ({@code kvm}) or QEMU ({@code qemu}).
 * Both give the same {@link Vm} contract, so the pipeline, the guest channel and the monitor do not care which.
 */
public interface VmBackend {

    /** {@code "kvm"} or {@code "qemu"}; the name used by {@code --backend}. */
    String name();

    /**
     * Validates the configuration (kernel image, memory, vCPU count, host support) and prepares a VM.
     * Starts nothing: the VM boots when {@link Vm#events()} is subscribed.
     *
     * @throws VmConfigException with a message naming the bad field or file
     */
    Vm create(VmConfig config);

    /**
     * How much slower than hardware this backend runs a guest (1 for KVM; QEMU under TCG stretches its watchdog by
     * this factor). Harness time limits around a VM are scaled by it too, so a slow-but-alive run ends by its own
     * watchdog rather than as an infrastructure error.
     */
    default int timeScale() {
        return 1;
    }

    /**
     * True when guest instructions are translated in software (QEMU's TCG) rather than run by hardware
     * virtualization. Recorded with each result: timings under emulation are not comparable with those under KVM.
     */
    default boolean softwareEmulated() {
        return false;
    }
}
