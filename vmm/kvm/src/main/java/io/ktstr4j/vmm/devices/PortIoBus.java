package io.ktstr4j.vmm.devices;

import java.util.ArrayList;
import java.util.List;

/**
 * Routes port I/O exits to devices. Ports without a device read as all ones (an empty ISA bus) and ignore writes,
 * which is what the guest's probes for absent hardware (extra UARTs, CMOS, POST port 0x80, …) expect.
 */
public final class PortIoBus {
    private record Range(int base, int length, PortIoDevice device) {}

    private final List<Range> ranges = new ArrayList<>();
    private long unhandled;

    public PortIoBus register(int base, int length, PortIoDevice device) {
        for (Range r : ranges) {
            if (base < r.base() + r.length() && r.base() < base + length) {
                throw new IllegalArgumentException(String.format("ports 0x%x+%d overlap 0x%x+%d", base, length, r.base(),
                        r.length()));
            }
        }
        ranges.add(new Range(base, length, device));
        return this;
    }

    private Range find(int port) {
        for (Range r : ranges) {
            if (port >= r.base() && port < r.base() + r.length()) {
                return r;
            }
        }
        return null;
    }

    /** Reads {@code size} bytes (1, 2 or 4) starting at {@code port}, little-endian. */
    public int in(int port, int size) {
        int v = 0;
        for (int i = 0; i < size; i++) {
            Range r = find(port + i);
            int b;
            if (r == null) {
                unhandled++;
                b = 0xff;
            } else {
                b = r.device().read(port + i - r.base()) & 0xff;
            }
            v |= b << (8 * i);
        }
        return v;
    }

    public void out(int port, int size, int value) {
        for (int i = 0; i < size; i++) {
            Range r = find(port + i);
            if (r == null) {
                unhandled++;
            } else {
                r.device().write(port + i - r.base(), (value >>> (8 * i)) & 0xff);
            }
        }
    }

    /** Accesses to ports with no device (diagnostics). */
    public long unhandled() {
        return unhandled;
    }
}
