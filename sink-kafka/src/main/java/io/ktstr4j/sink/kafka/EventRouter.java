package io.ktstr4j.sink.kafka;

import io.ktstr4j.schemas.event.AnalysisResult;
import io.ktstr4j.schemas.event.AnalysisSummary;
import io.ktstr4j.schemas.event.ChannelError;
import io.ktstr4j.schemas.event.ConsoleLine;
import io.ktstr4j.schemas.event.DumpRequested;
import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.schemas.event.EventsDropped;
import io.ktstr4j.schemas.event.FailureReport;
import io.ktstr4j.schemas.event.FlakyOutcomes;
import io.ktstr4j.schemas.event.GuestCrash;
import io.ktstr4j.schemas.event.GuestExit;
import io.ktstr4j.schemas.event.HostStateDelta;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.event.InitStage;
import io.ktstr4j.schemas.event.KernelLoaded;
import io.ktstr4j.schemas.event.MetricRegression;
import io.ktstr4j.schemas.event.MonitorSample;
import io.ktstr4j.schemas.event.PayloadMetricsReport;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.RunFinished;
import io.ktstr4j.schemas.event.RunSidecar;
import io.ktstr4j.schemas.event.RunStarted;
import io.ktstr4j.schemas.event.RunVerdict;
import io.ktstr4j.schemas.event.ScenarioEnd;
import io.ktstr4j.schemas.event.ScenarioStart;
import io.ktstr4j.schemas.event.SchedExit;
import io.ktstr4j.schemas.event.Snapshot;
import io.ktstr4j.schemas.event.Stimulus;
import io.ktstr4j.schemas.event.TestResult;
import io.ktstr4j.schemas.event.VcpuStarted;
import io.ktstr4j.schemas.event.VmCreated;
import io.ktstr4j.schemas.event.VmExited;
import io.ktstr4j.schemas.event.WorkerReports;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides topic(s) and key for an event from its body's Java class, through {@link #TABLE}: one explicit row per
 * {@link EventBody} record, so a renamed or new type cannot fall through to a default topic ({@code EventRouterTest}
 * fails on a body without a row, and {@link #routes} refuses one).
 * <ul>
 *   <li>{@code vm.*}, {@code guest.*}, {@code run.dropped}, {@code monitor.dump_requested} → lifecycle</li>
 *   <li>{@code monitor.sample} → monitor; {@code monitor.snapshot} → snapshots</li>
 *   <li>{@code run.verdict}, {@code run.result} → results and results.latest</li>
 *   <li>{@code run.started}, {@code run.finished} → results</li>
 *   <li>{@code run.failure_report} → failures; {@code host.state}, {@code host.state_delta} → hoststate</li>
 *   <li>{@code analysis.*} → regressions</li>
 * </ul>
 * Key, by the envelope's kind ({@link #key}): {@code <runId>/<variantKey>} for a variant event (one variant's events
 * of one topic stay in one partition, in order), {@code <runId>} for a run event, the producer's {@code event_id} for
 * a standalone event. The compacted results.latest is keyed {@code <variantKey>|<type>} instead, so it keeps the
 * latest verdict and the latest result of each test variant across runs (variant events only). An analysis result
 * chooses its key itself ({@link #bodyKey}: the variant it judged), so one variant's conclusions stay in order; a
 * host-state capture or delta is keyed by its host, so one host's captures stay in order.
 */
public final class EventRouter {
    /** One destination of an event. */
    public record Route(String topic, String key, boolean batchable) {
        public byte[] keyBytes() {
            return key.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Where a body type goes: a {@link TopicLayout} topic, and whether the compacted latest copy goes along. */
    public enum Destination {
        LIFECYCLE(TopicLayout.LIFECYCLE), MONITOR(TopicLayout.MONITOR), SNAPSHOTS(TopicLayout.SNAPSHOTS),
        RESULTS(TopicLayout.RESULTS), RESULTS_AND_LATEST(TopicLayout.RESULTS), FAILURES(TopicLayout.FAILURES),
        HOSTSTATE(TopicLayout.HOSTSTATE), REGRESSIONS(TopicLayout.REGRESSIONS);

        /** The topic's short name ({@link TopicLayout#name(String)} adds the prefix). */
        public final String topic;

        Destination(String topic) {
            this.topic = topic;
        }
    }

    /** Every EventBody record and where it goes. */
    public static final Map<Class<? extends EventBody>, Destination> TABLE;

    static {
        Map<Class<? extends EventBody>, Destination> t = new LinkedHashMap<>();
        t.put(VmCreated.class, Destination.LIFECYCLE);
        t.put(KernelLoaded.class, Destination.LIFECYCLE);
        t.put(VcpuStarted.class, Destination.LIFECYCLE);
        t.put(ConsoleLine.class, Destination.LIFECYCLE);
        t.put(VmExited.class, Destination.LIFECYCLE);
        t.put(InitStage.class, Destination.LIFECYCLE);
        t.put(ScenarioStart.class, Destination.LIFECYCLE);
        t.put(Stimulus.class, Destination.LIFECYCLE);
        t.put(ScenarioEnd.class, Destination.LIFECYCLE);
        t.put(TestResult.class, Destination.LIFECYCLE);
        t.put(WorkerReports.class, Destination.LIFECYCLE);
        t.put(GuestExit.class, Destination.LIFECYCLE);
        t.put(SchedExit.class, Destination.LIFECYCLE);
        t.put(GuestCrash.class, Destination.LIFECYCLE);
        t.put(PayloadMetricsReport.class, Destination.LIFECYCLE);
        t.put(ChannelError.class, Destination.LIFECYCLE);
        t.put(DumpRequested.class, Destination.LIFECYCLE);
        t.put(EventsDropped.class, Destination.LIFECYCLE);
        t.put(MonitorSample.class, Destination.MONITOR);
        t.put(Snapshot.class, Destination.SNAPSHOTS);
        t.put(RunVerdict.class, Destination.RESULTS_AND_LATEST);
        t.put(RunSidecar.class, Destination.RESULTS_AND_LATEST);
        t.put(RunStarted.class, Destination.RESULTS);
        t.put(RunFinished.class, Destination.RESULTS);
        t.put(FailureReport.class, Destination.FAILURES);
        t.put(HostStateSnapshot.class, Destination.HOSTSTATE);
        t.put(HostStateDelta.class, Destination.HOSTSTATE);
        t.put(MetricRegression.class, Destination.REGRESSIONS);
        t.put(AnalysisSummary.class, Destination.REGRESSIONS);
        t.put(FlakyOutcomes.class, Destination.REGRESSIONS);
        TABLE = java.util.Collections.unmodifiableMap(t);
    }

    private final TopicLayout layout;

    public EventRouter(TopicLayout layout) {
        this.layout = layout;
    }

    public TopicLayout layout() {
        return layout;
    }

    /** Where this body type goes; refuses a type without a row in {@link #TABLE}. */
    public static Destination destination(Class<? extends EventBody> type) {
        Destination d = TABLE.get(Objects.requireNonNull(type, "type"));
        if (d == null) {
            throw new IllegalArgumentException(type.getName() + " has no route: add it to EventRouter.TABLE");
        }
        return d;
    }

    public List<Route> routes(EncodedEvent e) {
        return routes(e.bodyType(), e.runId(), e.variantKey(), e.ownId(), e.bodyKey());
    }

    public List<Route> routes(RunEvent e) {
        return routes(e.body().getClass(), e.runId(), e.variantKey(), e.ownId(), bodyKey(e.body()));
    }

    /** A variant event's routes by its JSON type name (tools and tests; routing itself never compares names). */
    public List<Route> routes(String typeName, String runId, String variantKey) {
        Class<? extends EventBody> type = EventBody.typeNames().get(typeName);
        if (type == null) {
            throw new IllegalArgumentException("'" + typeName + "' is not an event type; known: "
                    + EventBody.typeNames().keySet());
        }
        return routes(type, runId, variantKey, null);
    }

    /**
     * The routes of an event: its body's class and its envelope (run id, variant key, and for a standalone event its
     * own id; see {@link RunEvent}).
     */
    public List<Route> routes(Class<? extends EventBody> type, String runId, String variantKey, String ownId) {
        return routes(type, runId, variantKey, ownId, null);
    }

    /** The routes of an event whose body may choose its own key ({@link #bodyKey}); null: the envelope decides. */
    public List<Route> routes(Class<? extends EventBody> type, String runId, String variantKey, String ownId,
                              String bodyKey) {
        Destination d = destination(type);
        String key = bodyKey != null ? bodyKey : key(runId, variantKey, ownId);
        List<Route> out = new ArrayList<>(2);
        out.add(new Route(layout.name(d.topic), key, true));
        if (d == Destination.RESULTS_AND_LATEST && variantKey != null) {
            // Compacted: exactly one event per record, so compaction keeps exactly the latest one.
            out.add(new Route(layout.name(TopicLayout.RESULTS_LATEST),
                    latestKey(variantKey, EventBody.typeNameOf(type)), false));
        }
        return out;
    }

    /**
     * The key a body chooses for its records, or null when the envelope decides: an analysis result is keyed by the
     * variant it judged, since its envelope (a standalone event) would spread one variant's conclusions over every
     * partition; a host-state capture (when it names its host) and a host-state delta by the host, so that one host's
     * captures stay in order for the diff consumer.
     */
    public static String bodyKey(EventBody body) {
        if (body instanceof AnalysisResult a) {
            return a.variant();
        }
        if (body instanceof HostStateSnapshot s) {
            return s.hostname();
        }
        return body instanceof HostStateDelta d ? d.host() : null;
    }

    /**
     * The record key for an envelope: {@code <runId>/<variantKey>} (variant event), {@code <runId>} (run event), the
     * event's own id (standalone event).
     */
    public static String key(String runId, String variantKey, String ownId) {
        if (runId == null) {
            return Objects.requireNonNull(ownId, "a standalone event needs its own event_id");
        }
        return variantKey == null ? runId : runKey(runId, variantKey);
    }

    public static String runKey(String runId, String variantKey) {
        return runId + "/" + variantKey;
    }

    public static String latestKey(String variantKey, String type) {
        return variantKey + "|" + type;
    }
}
