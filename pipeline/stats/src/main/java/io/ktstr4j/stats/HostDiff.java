package io.ktstr4j.stats;

import com.fasterxml.jackson.databind.JsonNode;
import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.sidecar.HostContext;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The hosts of two sides and the host-context fields in which they differ. */
final class HostDiff {

    private HostDiff() {
    }

    /** The distinct host labels of a side, sorted ({@code -} for trials without a host context). */
    static List<String> labels(List<Trial> trials) {
        Set<String> out = new TreeSet<>();
        Map<HostContext, Boolean> seen = new IdentityHashMap<>();
        for (Trial t : trials) {
            if (seen.put(t.host() == null ? NONE : t.host(), true) == null) {
                String l = Trials.hostLabel(t.host());
                out.add(l == null ? Dimension.ABSENT : l);
            }
        }
        return new ArrayList<>(out);
    }

    private static final HostContext NONE = new HostContext(null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null);

    /** Every host-context field (nested maps flattened) whose set of values differs between the sides. */
    static List<HostDifference> of(List<Trial> a, List<Trial> b) {
        Map<String, Set<String>> fa = fields(a);
        Map<String, Set<String>> fb = fields(b);
        Set<String> names = new TreeSet<>(fa.keySet());
        names.addAll(fb.keySet());
        List<HostDifference> out = new ArrayList<>();
        for (String n : names) {
            Set<String> va = fa.getOrDefault(n, Set.of(Dimension.ABSENT));
            Set<String> vb = fb.getOrDefault(n, Set.of(Dimension.ABSENT));
            if (!va.equals(vb)) {
                out.add(new HostDifference(n, new ArrayList<>(va), new ArrayList<>(vb)));
            }
        }
        return out;
    }

    private static Map<String, Set<String>> fields(List<Trial> trials) {
        Map<String, Set<String>> out = new TreeMap<>();
        Map<HostContext, Boolean> seen = new IdentityHashMap<>();
        List<HostContext> hosts = new ArrayList<>();
        for (Trial t : trials) {
            if (t.host() != null && seen.put(t.host(), true) == null) {
                hosts.add(t.host());
            }
        }
        for (HostContext h : new java.util.LinkedHashSet<>(hosts)) {
            flatten("", Json.toTree(h), out);
        }
        return out;
    }

    private static void flatten(String prefix, JsonNode n, Map<String, Set<String>> out) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (!n.isNull()) {
            out.computeIfAbsent(prefix, k -> new TreeSet<>()).add(n.isTextual() ? n.textValue() : n.toString());
        }
    }
}
