package io.ktstr4j.vmm.x86.acpi;

/** ACPI 2.0 Root System Description Pointer (36 bytes) pointing at the XSDT. */
public final class Rsdp {
    public static final int SIZE = 36;

    private Rsdp() {}

    public static byte[] bytes(long xsdtAddr) {
        byte[] t = new byte[SIZE];
        Sdt.ascii(t, 0, "RSD PTR ", 8);
        Sdt.ascii(t, 9, Sdt.OEM_ID, 6);
        t[15] = 2; // revision: ACPI 2.0+
        Sdt.putU32(t, 20, SIZE);
        Sdt.putU64(t, 24, xsdtAddr);
        t[8] = Sdt.checksum(t, 0, 20); // v1 checksum over the first 20 bytes
        t[32] = Sdt.checksum(t, 0, SIZE); // extended checksum over all 36
        return t;
    }
}
