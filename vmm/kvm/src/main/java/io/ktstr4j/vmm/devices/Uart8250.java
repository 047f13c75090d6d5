package io.ktstr4j.vmm.devices;

import java.util.function.IntConsumer;

/**
 * A 16550A UART with a transmitter that is always ready: every byte the guest writes goes to {@code sink} at once,
 * and the THR-empty interrupt fires when enabled, so Linux's interrupt-driven 8250 driver keeps sending. No input.
 * COM1 (0x3f8, IRQ 4) carries the kernel console, COM2 (0x2f8, IRQ 3) the agent's output.
 */
public final class Uart8250 implements PortIoDevice {
    public static final int COM1 = 0x3f8;
    public static final int COM2 = 0x2f8;
    public static final int COM1_IRQ = 4;
    public static final int COM2_IRQ = 3;

    static final int DATA = 0;
    static final int IER = 1;
    static final int IIR = 2;
    static final int LCR = 3;
    static final int MCR = 4;
    static final int LSR = 5;
    static final int MSR = 6;
    static final int SCR = 7;

    static final int IER_THRI = 0x02;
    static final int IIR_NONE = 0x01;
    static final int IIR_THRI = 0x02;
    static final int IIR_FIFO = 0xc0;
    static final int LCR_DLAB = 0x80;
    static final int LSR_THRE_TEMT = 0x60;
    static final int MCR_LOOP = 0x10;

    private final IntConsumer sink;
    private final IrqLine irq;
    private int ier;
    private int lcr = 0x03;
    private int mcr = 0x08;
    private int scr;
    private int dll = 0x0c;
    private int dlh;
    private boolean thrInterruptPending;

    public Uart8250(IntConsumer sink, IrqLine irq) {
        this.sink = sink;
        this.irq = irq;
    }

    @Override
    public synchronized int read(int offset) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch (offset) {
            case DATA:
                return dlab ? dll : 0;
            case IER:
                return dlab ? dlh : ier;
            case IIR: {
                int v = thrInterruptPending ? IIR_THRI : IIR_NONE;
                thrInterruptPending = false; // reading IIR acknowledges the THR-empty interrupt
                return v | IIR_FIFO;
            }
            case LCR:
                return lcr;
            case MCR:
                return mcr;
            case LSR:
                return LSR_THRE_TEMT;
            case MSR:
                if ((mcr & MCR_LOOP) != 0) {
                    // loopback: DTR→DSR, RTS→CTS, OUT1→RI, OUT2→DCD
                    return ((mcr & 1) << 5) | ((mcr & 2) << 3) | ((mcr & 4) << 4) | ((mcr & 8) << 4);
                }
                return 0xb0; // DCD, DSR, CTS
            case SCR:
                return scr;
            default:
                return 0xff;
        }
    }

    @Override
    public void write(int offset, int value) {
        boolean fire = false;
        synchronized (this) {
            boolean dlab = (lcr & LCR_DLAB) != 0;
            switch (offset) {
                case DATA -> {
                    if (dlab) {
                        dll = value;
                    } else {
                        if ((mcr & MCR_LOOP) == 0) {
                            sink.accept(value & 0xff);
                        }
                        // One interrupt per burst: the driver writes up to 16 bytes per interrupt, and while one is
                        // pending (IIR not read yet) more edges only cost KVM_IRQ_LINE calls, which add up under
                        // nested virtualization (two per byte of console output).
                        fire = (ier & IER_THRI) != 0 && !thrInterruptPending;
                    }
                }
                case IER -> {
                    if (dlab) {
                        dlh = value;
                    } else {
                        boolean was = (ier & IER_THRI) != 0;
                        ier = value & 0x0f;
                        fire = !was && (ier & IER_THRI) != 0; // enabling THRI with an empty THR interrupts at once
                        if ((ier & IER_THRI) == 0) {
                            thrInterruptPending = false; // a disabled source is not reported in IIR
                        }
                    }
                }
                case LCR -> lcr = value;
                case MCR -> mcr = value;
                case SCR -> scr = value;
                default -> { } // FCR and read-only registers
            }
            if (fire) {
                thrInterruptPending = true;
            }
        }
        if (fire) {
            irq.pulse();
        }
    }
}
