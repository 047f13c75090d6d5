package io.ktstr4j.schemas.event;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Payload of a {@link RunEvent}. JSON carries the kind in {@code "type"}; the names below are also what topic
 * routing and docs use. {@link VmEvent} groups the {@code vm.*} bodies, {@link GuestMessage} the {@code guest.*} ones,
 * {@link AnalysisResult} the {@code analysis.*} ones.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = VmCreated.class, name = "vm.created"),
        @JsonSubTypes.Type(value = KernelLoaded.class, name = "vm.kernel_loaded"),
        @JsonSubTypes.Type(value = VcpuStarted.class, name = "vm.vcpu_started"),
        @JsonSubTypes.Type(value = ConsoleLine.class, name = "vm.console_line"),
        @JsonSubTypes.Type(value = VmExited.class, name = "vm.exited"),
        @JsonSubTypes.Type(value = InitStage.class, name = "guest.init_stage"),
        @JsonSubTypes.Type(value = ScenarioStart.class, name = "guest.scenario_start"),
        @JsonSubTypes.Type(value = Stimulus.class, name = "guest.stimulus"),
        @JsonSubTypes.Type(value = ScenarioEnd.class, name = "guest.scenario_end"),
        @JsonSubTypes.Type(value = TestResult.class, name = "guest.test_result"),
        @JsonSubTypes.Type(value = WorkerReports.class, name = "guest.worker_reports"),
        @JsonSubTypes.Type(value = GuestExit.class, name = "guest.exit"),
        @JsonSubTypes.Type(value = SchedExit.class, name = "guest.sched_exit"),
        @JsonSubTypes.Type(value = GuestCrash.class, name = "guest.crash"),
        @JsonSubTypes.Type(value = PayloadMetricsReport.class, name = "guest.payload_metrics"),
        @JsonSubTypes.Type(value = ChannelError.class, name = "guest.channel_error"),
        @JsonSubTypes.Type(value = MonitorSample.class, name = "monitor.sample"),
        @JsonSubTypes.Type(value = DumpRequested.class, name = "monitor.dump_requested"),
        @JsonSubTypes.Type(value = Snapshot.class, name = "monitor.snapshot"),
        @JsonSubTypes.Type(value = RunVerdict.class, name = "run.verdict"),
        @JsonSubTypes.Type(value = FailureReport.class, name = "run.failure_report"),
        @JsonSubTypes.Type(value = RunSidecar.class, name = "run.result"),
        @JsonSubTypes.Type(value = HostStateSnapshot.class, name = "host.state"),
        @JsonSubTypes.Type(value = HostStateDelta.class, name = "host.state_delta"),
        @JsonSubTypes.Type(value = EventsDropped.class, name = "run.dropped"),
        @JsonSubTypes.Type(value = RunStarted.class, name = "run.started"),
        @JsonSubTypes.Type(value = RunFinished.class, name = "run.finished"),
        @JsonSubTypes.Type(value = MetricRegression.class, name = "analysis.regression"),
        @JsonSubTypes.Type(value = AnalysisSummary.class, name = "analysis.summary"),
        @JsonSubTypes.Type(value = FlakyOutcomes.class, name = "analysis.flaky")
})
public sealed interface EventBody permits VmEvent, GuestMessage, MonitorSample, DumpRequested, Snapshot,
        RunVerdict, FailureReport, RunSidecar, HostStateSnapshot, HostStateDelta, EventsDropped, RunStarted, RunFinished, AnalysisResult {

    /** The JSON type name of this body, e.g. {@code vm.created}. */
    default String typeName() {
        return typeNameOf(getClass());
    }

    /** The JSON type name of a body class. */
    static String typeNameOf(Class<? extends EventBody> type) {
        String n = Names.BY_CLASS.get(type);
        if (n == null) throw new IllegalArgumentException(type.getName() + " is not a registered EventBody");
        return n;
    }

    /** Every type name with its record class, in declaration order. */
    static Map<String, Class<? extends EventBody>> typeNames() {
        return Names.BY_NAME;
    }

    /** Lazily built lookup tables from the {@link JsonSubTypes} list (the single source of truth). */
    final class Names {
        private Names() {}

        static final Map<Class<?>, String> BY_CLASS;
        static final Map<String, Class<? extends EventBody>> BY_NAME;

        static {
            Map<Class<?>, String> byClass = new HashMap<>();
            Map<String, Class<? extends EventBody>> byName = new java.util.LinkedHashMap<>();
            for (JsonSubTypes.Type t : EventBody.class.getAnnotation(JsonSubTypes.class).value()) {
                byClass.put(t.value(), t.name());
                byName.put(t.name(), t.value().asSubclass(EventBody.class));
            }
            BY_CLASS = Collections.unmodifiableMap(byClass);
            BY_NAME = Collections.unmodifiableMap(byName);
        }
    }
}
