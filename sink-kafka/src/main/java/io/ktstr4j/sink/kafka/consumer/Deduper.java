package io.ktstr4j.sink.kafka.consumer;

import io.ktstr4j.schemas.event.RunEvent;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Drops events a consumer has already seen. ktstr4j delivers at least once: a replay after a failure may send a
 * record again. Within one topic the first copies of a run/variant's events arrive in sequence order (the publisher
 * keeps per-key order), so "seq not above the highest seen for this topic and run/variant" means duplicate; memory is
 * one number per run/variant (a run's own events, which have no variant key, count as one more "variant", {@code -}).
 * The compacted results.latest topic mixes runs under one key, and standalone events (no run) have no sequence to
 * follow, so for those the exact event ids are remembered (a bounded set).
 */
public final class Deduper {
    private static final int MAX_IDS = 100_000;
    private final Map<String, Long> highest = new HashMap<>();
    private final Set<String> ids = new LinkedHashSet<>();
    private long dropped;

    /** True if the event is new (and remembers it), false if it is a duplicate. */
    public boolean firstTime(String topic, RunEvent e) {
        boolean fresh;
        if (topic.endsWith(".results.latest") || e.isStandalone()) {
            fresh = ids.add(topic + "|" + e.eventId());
            if (ids.size() > MAX_IDS) {
                ids.remove(ids.iterator().next());
            }
        } else {
            String k = topic + "|" + e.runId() + "/"
                    + (e.variantKey() == null ? RunEvent.NO_VARIANT : e.variantKey());
            Long h = highest.get(k);
            fresh = h == null || e.seq() > h;
            if (fresh) {
                highest.put(k, e.seq());
            }
        }
        if (!fresh) {
            dropped++;
        }
        return fresh;
    }

    public long dropped() {
        return dropped;
    }
}
