package io.ktstr4j.vmm.devices;

import java.util.ArrayDeque;

/**
 * Just enough of an i8042 keyboard controller (ports 0x60 data, 0x64 status/command): Linux's driver finds a
 * controller that passes its self test, and the reset command 0xFE (how {@code reboot=k} resets the machine)
 * calls {@code onReset}.
 */
public final class I8042 implements PortIoDevice {
    public static final int DATA_PORT = 0x60;
    public static final int COMMAND_PORT = 0x64;
    public static final int IRQ = 1;

    static final int STATUS_OBF = 0x01;
    static final int STATUS_SYSTEM = 0x04;
    static final int STATUS_CMD = 0x08;

    private final Runnable onReset;
    private final IrqLine kbdIrq;
    private final ArrayDeque<Integer> output = new ArrayDeque<>();
    private int ctr = 0x47; // kbd interrupt, system flag, translation
    private int pendingCommand = -1;
    private boolean lastWasCommand;

    /** Port offsets are relative to 0x60: 0 = data, 4 = command/status. */
    public I8042(Runnable onReset, IrqLine kbdIrq) {
        this.onReset = onReset;
        this.kbdIrq = kbdIrq;
    }

    @Override
    public synchronized int read(int offset) {
        if (offset == 4) {
            return (output.isEmpty() ? 0 : STATUS_OBF) | STATUS_SYSTEM | (lastWasCommand ? STATUS_CMD : 0);
        }
        if (offset == 0) {
            Integer b = output.poll();
            return b == null ? 0 : b;
        }
        return 0xff;
    }

    @Override
    public void write(int offset, int value) {
        boolean reset = false;
        boolean irq = false;
        synchronized (this) {
            if (offset == 4) {
                lastWasCommand = true;
                switch (value) {
                    case 0x20 -> output.add(ctr); // read control byte
                    case 0x60, 0xd1, 0xd2, 0xd3, 0xd4 -> pendingCommand = value; // next data byte is for us
                    case 0xaa -> output.add(0x55); // controller self test passed
                    case 0xab -> output.add(0x00); // keyboard interface test passed
                    case 0xd0 -> output.add(0x01); // output port: system not in reset
                    case 0xfe -> reset = true; // pulse reset line
                    default -> { } // enable/disable ports and the like
                }
            } else if (offset == 0) {
                lastWasCommand = false;
                if (pendingCommand == 0x60) {
                    ctr = value;
                } else if (pendingCommand == 0xd1) {
                    reset = (value & 1) == 0; // output port bit 0 low = system reset
                } else if (pendingCommand == -1) {
                    output.add(0xfa); // keyboard ACKs every command
                    irq = (ctr & 1) != 0;
                }
                pendingCommand = -1;
            }
        }
        if (irq) {
            kbdIrq.pulse();
        }
        if (reset) {
            onReset.run();
        }
    }
}
