package io.ktstr4j.schemas.spec;

import io.ktstr4j.schemas.Check;

/**
 * A value the host writes into a BPF map after the scheduler loads (ktstr {@code BpfMapWrite}; used to inject
 * faults), then signals the guest.
 *
 * @param mapNameSuffix map name suffix to find (e.g. {@code .bss})
 * @param offset        byte offset in the value
 * @param value         the u32 to write
 */
public record BpfMapWrite(String mapNameSuffix, long offset, long value) {
    public BpfMapWrite {
        Check.nonBlank("map_name_suffix", mapNameSuffix);
        Check.nonNegative("offset", offset);
        Check.range("value", value, 0, 0xFFFF_FFFFL);
    }
}
