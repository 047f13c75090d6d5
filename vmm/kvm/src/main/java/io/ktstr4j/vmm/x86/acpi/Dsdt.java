package io.ktstr4j.vmm.x86.acpi;

import io.ktstr4j.vmm.devices.Uart8250;

/**
 * The Differentiated System Description Table: the two 16550 UARTs as PNP0501 devices with their ports and IRQs.
 * The FADT is hardware-reduced, so Linux runs without a legacy PIC and does not assume the ISA serial IRQs: without
 * these entries it drives COM1/COM2 by polling ({@code irq = 0}), at a few hundred bytes per second under nested
 * virtualization, and a guest writing more than its tty buffer to COM2 stalls. (QEMU's microvm does the same.)
 */
public final class Dsdt {
    private Dsdt() {}

    public static byte[] bytes() {
        return new Sdt("DSDT", 2).raw(aml()).bytes();
    }

    static byte[] aml() {
        return Aml.scope("_SB_", uart("COM1", 0, Uart8250.COM1, Uart8250.COM1_IRQ),
                uart("COM2", 1, Uart8250.COM2, Uart8250.COM2_IRQ));
    }

    private static byte[] uart(String name, int uid, int port, int irq) {
        return Aml.device(name,
                Aml.name("_HID", Aml.eisaId("PNP0501")),
                Aml.name("_UID", Aml.integer(uid)),
                Aml.name("_CRS", Aml.resourceTemplate(Aml.io(port, 8), Aml.irqNoFlags(irq))));
    }
}
