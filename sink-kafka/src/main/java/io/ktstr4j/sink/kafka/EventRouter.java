package io.ktstr4j.sink.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides topic(s) and key for an event from its EventBody type name.
 * <ul>
 *   <li>{@code vm.*}, {@code guest.*}, {@code run.dropped}, other {@code monitor.*} and unknown types → lifecycle</li>
 *   <li>{@code monitor.sample} → monitor; {@code monitor.snapshot} → snapshots</li>
 *   <li>{@code run.verdict}, {@code run.result} → results and results.latest</li>
 *   <li>{@code run.failure_report} → failures; {@code host.state} → hoststate</li>
 * </ul>
 * Key: {@code <runId>/<variantKey>} everywhere (one run's events of one topic stay in one partition, in order), except
 * results.latest, which is compacted and keyed {@code <variantKey>|<type>} so it keeps the latest verdict and the
 * latest result of each test variant across runs.
 */
public final class EventRouter {
    /** One destination of an event. */
    public record Route(String topic, String key, boolean batchable) {
        public byte[] keyBytes() {
            return key.getBytes(StandardCharsets.UTF_8);
        }
    }

    private final TopicLayout layout;

    public EventRouter(TopicLayout layout) {
        this.layout = layout;
    }

    public TopicLayout layout() {
        return layout;
    }

    public List<Route> routes(EncodedEvent e) {
        return routes(e.type(), e.runId(), e.variantKey());
    }

    public List<Route> routes(String type, String runId, String variantKey) {
        String runKey = runKey(runId, variantKey);
        List<Route> out = new ArrayList<>(2);
        switch (type) {
            case "monitor.sample" -> out.add(new Route(layout.name(TopicLayout.MONITOR), runKey, true));
            case "monitor.snapshot" -> out.add(new Route(layout.name(TopicLayout.SNAPSHOTS), runKey, true));
            case "run.verdict", "run.result" -> {
                out.add(new Route(layout.name(TopicLayout.RESULTS), runKey, true));
                // Compacted: exactly one event per record, so compaction keeps exactly the latest one.
                out.add(new Route(layout.name(TopicLayout.RESULTS_LATEST), latestKey(variantKey, type), false));
            }
            case "run.failure_report" -> out.add(new Route(layout.name(TopicLayout.FAILURES), runKey, true));
            case "host.state" -> out.add(new Route(layout.name(TopicLayout.HOSTSTATE), runKey, true));
            default -> out.add(new Route(layout.name(TopicLayout.LIFECYCLE), runKey, true));
        }
        return out;
    }

    public static String runKey(String runId, String variantKey) {
        return runId + "/" + variantKey;
    }

    public static String latestKey(String variantKey, String type) {
        return variantKey + "|" + type;
    }
}
