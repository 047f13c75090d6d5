package io.ktstr4j.schemas.topology;

import io.ktstr4j.schemas.InvalidFieldException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The 24 x86_64 gauntlet presets (ktstr's table), in ktstr's order. */
public final class TopologyPresets {
    private TopologyPresets() {}

    private static final List<TopologyPreset> ALL = List.of(
            p("tiny-1llc", "1n1l4c1t"),
            p("tiny-2llc", "1n2l2c1t"),
            p("odd-3llc", "1n3l3c1t"),
            p("odd-5llc", "1n5l3c1t"),
            p("odd-7llc", "1n7l2c1t"),
            p("smt-2llc", "1n2l2c2t"),
            p("smt-3llc", "1n3l2c2t"),
            p("medium-4llc", "1n4l4c2t"),
            p("medium-8llc", "1n8l4c2t"),
            p("large-4llc", "1n4l16c2t"),
            p("large-8llc", "1n8l8c2t"),
            p("near-max-llc", "1n15l8c2t"),
            p("max-cpu", "1n14l9c2t"),
            p("medium-4llc-nosmt", "1n4l8c1t"),
            p("medium-8llc-nosmt", "1n8l8c1t"),
            p("large-4llc-nosmt", "1n4l32c1t"),
            p("large-8llc-nosmt", "1n8l16c1t"),
            p("near-max-llc-nosmt", "1n15l16c1t"),
            p("max-cpu-nosmt", "1n14l18c1t"),
            p("numa2-4llc", "2n4l4c1t"),
            p("numa2-8llc", "2n8l8c2t"),
            p("numa2-8llc-nosmt", "2n8l16c1t"),
            p("numa4-8llc", "4n8l4c1t"),
            p("numa4-12llc", "4n12l8c2t"));

    private static final Map<String, TopologyPreset> BY_NAME;

    static {
        Map<String, TopologyPreset> m = new LinkedHashMap<>();
        for (TopologyPreset p : ALL) m.put(p.name(), p);
        BY_NAME = java.util.Collections.unmodifiableMap(m);
    }

    private static TopologyPreset p(String name, String label) {
        return new TopologyPreset(name, Topology.parse(label));
    }

    /** All presets in ktstr's order. */
    public static List<TopologyPreset> all() {
        return ALL;
    }

    public static Optional<TopologyPreset> find(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The preset's topology; an unknown name fails with the list of known ones. */
    public static Topology get(String name) {
        TopologyPreset p = BY_NAME.get(name);
        if (p == null)
            throw new InvalidFieldException("preset", "'" + name + "' is not a gauntlet preset; known: "
                    + String.join(", ", BY_NAME.keySet()));
        return p.topology();
    }

    /** A preset name ({@code tiny-1llc}) or a label ({@code 1n2l4c1t}). */
    public static Topology resolve(String nameOrLabel) {
        TopologyPreset p = BY_NAME.get(nameOrLabel);
        return p != null ? p.topology() : Topology.parse(nameOrLabel);
    }
}
