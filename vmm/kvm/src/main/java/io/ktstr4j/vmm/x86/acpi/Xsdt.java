package io.ktstr4j.vmm.x86.acpi;

import java.util.List;

/** Extended System Description Table: 64-bit pointers to every other table except the DSDT. */
public final class Xsdt {
    private Xsdt() {}

    public static byte[] bytes(List<Long> tables) {
        Sdt t = new Sdt("XSDT", 1);
        tables.forEach(t::u64);
        return t.bytes();
    }
}
