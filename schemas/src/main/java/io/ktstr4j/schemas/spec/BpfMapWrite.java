package io.ktstr4j.schemas.spec;

import io.ktstr4j.schemas.Validate;

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
        Validate.nonBlank("map_name_suffix", mapNameSuffix);
        Validate.nonNegative("offset", offset);
        Validate.range("value", value, 0, 0xFFFF_FFFFL);
    }
}
