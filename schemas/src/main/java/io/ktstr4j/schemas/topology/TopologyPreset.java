package io.ktstr4j.schemas.topology;

import io.ktstr4j.schemas.Validate;

/**
 * A named gauntlet topology.
 *
 * @param name     e.g. {@code tiny-1llc}
 * @param topology the topology
 */
public record TopologyPreset(String name, Topology topology) {
    public TopologyPreset {
        Validate.nonBlank("name", name);
        Validate.required("topology", topology);
    }

    public String label() {
        return topology.label();
    }
}
