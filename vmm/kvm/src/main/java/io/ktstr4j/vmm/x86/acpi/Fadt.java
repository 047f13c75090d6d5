package io.ktstr4j.vmm.x86.acpi;

/**
 * Fixed ACPI Description Table, revision 6, hardware-reduced (no PM timer, SCI or fixed-feature registers: the
 * guest uses kvm-clock and reboots through the keyboard controller).
 */
public final class Fadt {
    public static final int SIZE = 276;
    public static final int FLAGS_OFFSET = 112;
    public static final int HW_REDUCED_ACPI = 1 << 20;
    public static final int IAPC_VGA_NOT_PRESENT = 1 << 2;
    public static final int IAPC_MSI_NOT_SUPPORTED = 1 << 3;
    public static final int IAPC_CMOS_RTC_NOT_PRESENT = 1 << 5;

    private Fadt() {}

    public static byte[] bytes(long dsdtAddr) {
        Sdt t = new Sdt("FACP", 6);
        t.u32(0); // 36 FIRMWARE_CTRL
        t.u32(dsdtAddr); // 40 DSDT
        t.zeros(109 - 44); // reserved, profile, SCI, SMI, PM blocks, … up to IAPC_BOOT_ARCH
        t.u16(IAPC_VGA_NOT_PRESENT | IAPC_MSI_NOT_SUPPORTED | IAPC_CMOS_RTC_NOT_PRESENT); // 109
        t.u8(0); // 111 reserved
        t.u32(HW_REDUCED_ACPI); // 112 flags
        t.zeros(12); // 116 RESET_REG
        t.u8(0); // 128 RESET_VALUE
        t.u16(0); // 129 ARM_BOOT_ARCH
        t.u8(5); // 131 FADT minor version (6.5)
        t.u64(0); // 132 X_FIRMWARE_CTRL
        t.u64(dsdtAddr); // 140 X_DSDT
        t.zeros(SIZE - 148); // X_ PM blocks, sleep regs, hypervisor vendor id
        byte[] b = t.bytes();
        if (b.length != SIZE) {
            throw new IllegalStateException("FADT size " + b.length);
        }
        return b;
    }
}
