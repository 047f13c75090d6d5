package io.ktstr4j.regressions;

import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.RunSidecar;
import io.ktstr4j.schemas.event.RunVerdict;
import io.ktstr4j.schemas.report.ScenarioStats;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.schemas.verdict.DetailKind;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.schemas.verdict.Reason;
import io.ktstr4j.schemas.verdict.Verdict;
import io.ktstr4j.sink.kafka.EventCodec;
import io.ktstr4j.sink.kafka.EventRouter;
import io.ktstr4j.sink.kafka.RecordDecoder;
import io.ktstr4j.sink.kafka.RecordEncoder;
import io.ktstr4j.sink.kafka.RunPublisher;
import io.ktstr4j.sink.kafka.TopicLayout;
import io.ktstr4j.sink.kafka.spool.OutRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Synthetic results, as records of the results topic exactly as the publisher writes them (a fixture the CLI tests share). */
public final class PublishedResults {
    public static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private PublishedResults() {
    }

    /** A passing steady result under eevdf in run {@code run}, from {@code source}, on {@code commit}. */
    public static SidecarResult.Builder result(String run, String source, String commit, int minute) {
        return SidecarResult.builder().testName("steady").topology("1n2l2c1t").scheduler("eevdf")
                .workType("SpinWait").projectCommit(commit).kernelVersion("6.12.117").runSource(source)
                .backend("kvm").variantKey("steady/tiny-2llc/eevdf").runId(run)
                .timestamp(T0.plusSeconds(60L * minute).toString()).passed(true).outcome(Outcome.PASS)
                .stats(spread(10));
    }

    /** A failed one: the same variant, FAIL with a reason. */
    public static SidecarResult.Builder failed(SidecarResult.Builder b) {
        return b.passed(false).outcome(Outcome.FAIL).reasons(List.of(new Reason(DetailKind.STARVED, "starved")));
    }

    /** Stats with this worst spread and 1000 iterations, the rest zero. */
    public static ScenarioStats spread(double spread) {
        return new ScenarioStats(List.of(), 4, 4, 0, spread, 0, 0, 0, 0, 0, 0, 1000, 0, 0, 0, 0, 0, 0, Map.of());
    }

    /**
     * The records {@code ktstr4j run} publishes to the results topic for a result: its verdict and its sidecar, one
     * record (they share a key), as RecordEncoder makes it. The results.latest copies are left out.
     */
    public static List<OutRecord> records(SidecarResult r, TopicLayout layout) {
        RecordEncoder enc = new RecordEncoder(new EventRouter(layout), 500, RunPublisher.TARGET_RECORD_BYTES,
                RunPublisher.MAX_PART_BYTES, EventCodec.SCHEMA_VERSION);
        Instant at = Instant.parse(r.timestamp());
        Verdict v = r.effectiveOutcome() == Outcome.PASS ? Verdict.pass(null)
                : new Verdict(r.effectiveOutcome(), r.reasons(), null);
        List<OutRecord> out = new ArrayList<>();
        for (OutRecord o : enc.encode(List.of(
                EventCodec.encode(new RunEvent(r.runId(), r.variantKey(), 7, at, new RunVerdict(v))),
                EventCodec.encode(new RunEvent(r.runId(), r.variantKey(), 8, at, new RunSidecar(r)))))) {
            if (o.topic().equals(layout.name(TopicLayout.RESULTS))) {
                out.add(o);
            }
        }
        return out;
    }

    /** The events in records of the regressions topic. */
    public static List<RunEvent> events(String topic, List<byte[]> values, List<Map<String, String>> headers) {
        RecordDecoder dec = new RecordDecoder();
        List<RunEvent> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            Map<String, String> h = headers.get(i);
            for (byte[] line : dec.decode(topic, 0, h::get, values.get(i))) {
                out.add(EventCodec.decode(line, topic));
            }
        }
        return out;
    }
}
