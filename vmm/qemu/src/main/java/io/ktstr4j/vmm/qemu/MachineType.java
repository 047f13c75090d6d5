package io.ktstr4j.vmm.qemu;

/**
 * QEMU machine types this backend drives. {@code microvm} boots fastest but has no SRAT, so a guest on it sees one
 * NUMA node; {@code pc} (i440fx, no PCI devices used) gives ACPI SRAT/SLIT for NUMA. q35 is avoided: with SeaBIOS it
 * took 35 s to boot here.
 */
public enum MachineType {
    /** microvm for one NUMA node, pc for more. */
    AUTO,
    MICROVM,
    PC;

    /** The concrete machine for a guest with {@code numaNodes} nodes. */
    public MachineType resolve(int numaNodes) {
        if (this == AUTO) {
            return numaNodes > 1 ? PC : MICROVM;
        }
        return this;
    }

    /**
     * End of RAM below 4 GiB for {@code ramBytes} of RAM: the rest is placed from 4 GiB up.
     * microvm splits at 3.5 GiB; i440fx splits at 3 GiB once RAM reaches 3.5 GiB (gigabyte-aligned split).
     */
    public long lowMemEnd(long ramBytes) {
        return switch (this) {
            case MICROVM -> Math.min(ramBytes, 0xE000_0000L);
            case PC -> ramBytes >= 0xE000_0000L ? 0xC000_0000L : ramBytes;
            case AUTO -> throw new IllegalStateException("resolve the machine type first");
        };
    }

    /** The name on qemu's {@code -M}. */
    public String qemuName() {
        return switch (this) {
            case MICROVM -> "microvm";
            case PC -> "pc";
            case AUTO -> throw new IllegalStateException("resolve the machine type first");
        };
    }
}
