package io.ktstr4j.vmm.devices;

/** Raises an edge-triggered legacy interrupt in the guest (KVM_IRQ_LINE pulse, or a recorder in tests). */
@FunctionalInterface
public interface IrqLine {
    void pulse();
}
