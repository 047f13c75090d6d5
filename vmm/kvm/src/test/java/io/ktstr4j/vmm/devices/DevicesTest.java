package io.ktstr4j.vmm.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DevicesTest {

    @Test
    void uartSendsBytesAndInterruptsWhenTheTransmitterEmpties() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AtomicInteger irqs = new AtomicInteger();
        Uart8250 u = new Uart8250(out::write, irqs::incrementAndGet);
        PortIoBus bus = new PortIoBus().register(Uart8250.COM1, 8, u);
        // probe like Linux: scratch register, LSR, IIR with FIFO bits (16550A)
        bus.out(0x3ff, 1, 0xa5);
        assertThat(bus.in(0x3ff, 1)).isEqualTo(0xa5);
        assertThat(bus.in(0x3fd, 1) & 0x60).isEqualTo(0x60);
        assertThat(bus.in(0x3fa, 1)).isEqualTo(0xc1); // FIFO enabled, no interrupt pending
        // divisor latch does not swallow data
        bus.out(0x3fb, 1, 0x80);
        bus.out(0x3f8, 1, 0x01);
        bus.out(0x3fb, 1, 0x03);
        assertThat(out.size()).isZero();
        bus.out(0x3f8, 1, 'h');
        assertThat(irqs.get()).as("no interrupt while THRI is masked").isZero();
        bus.out(0x3f9, 1, 0x02); // enable THR-empty interrupt: fires at once
        assertThat(irqs.get()).isEqualTo(1);
        assertThat(bus.in(0x3fa, 1) & 0x0f).isEqualTo(0x02);
        assertThat(bus.in(0x3fa, 1) & 0x0f).as("reading IIR acknowledged it").isEqualTo(0x01);
        bus.out(0x3f8, 1, 'i');
        assertThat(irqs.get()).isEqualTo(2);
        assertThat(out.toString()).isEqualTo("hi");
        // a burst (the driver writes up to 16 bytes per interrupt) raises one interrupt until IIR is read
        for (char c : "0123456789abcdef".toCharArray()) {
            bus.out(0x3f8, 1, c);
        }
        assertThat(irqs.get()).as("still pending from 'i': no new edge").isEqualTo(2);
        assertThat(bus.in(0x3fa, 1) & 0x0f).isEqualTo(0x02);
        bus.out(0x3f8, 1, '!');
        assertThat(irqs.get()).as("acknowledged, so the next byte interrupts again").isEqualTo(3);
        // masking THRI drops the pending interrupt; unmasking with an empty THR raises it again
        bus.out(0x3f9, 1, 0x00);
        assertThat(bus.in(0x3fa, 1) & 0x0f).isEqualTo(0x01);
        bus.out(0x3f9, 1, 0x02);
        assertThat(irqs.get()).isEqualTo(4);
        assertThat(out.toString()).isEqualTo("hi0123456789abcdef!");
        // loopback: nothing goes out, MSR mirrors MCR
        bus.out(0x3fc, 1, 0x10 | 0x03);
        bus.out(0x3f8, 1, 'x');
        assertThat(out.toString()).isEqualTo("hi0123456789abcdef!");
        assertThat(bus.in(0x3fe, 1) & 0x30).isEqualTo(0x30);
    }

    @Test
    void i8042PassesSelfTestAndResetsOnFe() {
        AtomicInteger resets = new AtomicInteger();
        I8042 k = new I8042(resets::incrementAndGet, () -> { });
        PortIoBus bus = new PortIoBus().register(0x60, 5, k);
        assertThat(bus.in(0x64, 1) & 1).as("output buffer empty").isZero();
        bus.out(0x64, 1, 0xaa);
        assertThat(bus.in(0x64, 1) & 1).isEqualTo(1);
        assertThat(bus.in(0x60, 1)).isEqualTo(0x55);
        bus.out(0x64, 1, 0x20);
        int ctr = bus.in(0x60, 1);
        bus.out(0x64, 1, 0x60);
        bus.out(0x60, 1, ctr & ~1);
        bus.out(0x64, 1, 0x20);
        assertThat(bus.in(0x60, 1)).isEqualTo(ctr & ~1);
        assertThat(resets.get()).isZero();
        bus.out(0x64, 1, 0xfe);
        assertThat(resets.get()).isEqualTo(1);
    }

    @Test
    void emptyPortsReadAllOnesAndWordAccessesSplit() {
        PortIoBus bus = new PortIoBus();
        assertThat(bus.in(0x80, 1)).isEqualTo(0xff);
        assertThat(bus.in(0xcfc, 4)).isEqualTo(0xffffffff);
        bus.out(0x80, 1, 0x12);
        assertThat(bus.unhandled()).isEqualTo(1 + 4 + 1);
        assertThatThrownBy(() -> bus.register(0x3f8, 8, new Uart8250(b -> { }, () -> { }))
                .register(0x3fc, 2, new Uart8250(b -> { }, () -> { }))).hasMessageContaining("overlap");
    }
}
