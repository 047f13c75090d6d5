package io.ktstr4j.vmm.devices;

/** A device on the x86 I/O port bus. {@code offset} is relative to the device's base port; accesses are byte wide. */
public interface PortIoDevice {
    int read(int offset);

    void write(int offset, int value);
}
