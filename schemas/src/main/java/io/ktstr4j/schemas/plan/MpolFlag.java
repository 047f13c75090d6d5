package io.ktstr4j.schemas.plan;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collection;

/** Mode flags OR-ed into the set_mempolicy mode (ktstr {@code MpolFlags}). JSON: a list like {@code ["static_nodes"]}. */
public enum MpolFlag {
    @JsonProperty("static_nodes") STATIC_NODES(1 << 15),
    @JsonProperty("relative_nodes") RELATIVE_NODES(1 << 14),
    @JsonProperty("numa_balancing") NUMA_BALANCING(1 << 13);

    private final int bit;

    MpolFlag(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    /** The flags as the kernel's bit mask. */
    public static int bits(Collection<MpolFlag> flags) {
        int b = 0;
        for (MpolFlag f : flags) b |= f.bit;
        return b;
    }
}
