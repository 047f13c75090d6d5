package io.ktstr4j.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.schemas.event.FlakyOutcomes;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.RunFinished;
import io.ktstr4j.schemas.event.RunStarted;
import io.ktstr4j.schemas.event.RunVerdict;
import io.ktstr4j.schemas.event.ScenarioStart;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.schemas.verdict.Verdict;
import io.ktstr4j.sink.kafka.consumer.Deduper;
import io.ktstr4j.sink.kafka.spool.OutRecord;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Routing by the body's class: every EventBody record has an explicit row; keys follow the envelope's kind. */
class EventRouterTest {
    static final Instant T = Instant.parse("2026-11-25T13:00:00Z");
    final EventRouter router = new EventRouter(TopicLayout.defaults());

    /** Every record the sealed EventBody hierarchy permits, through its sealed sub-interfaces. */
    static Set<Class<?>> everyEventBody() {
        Set<Class<?>> leaves = new LinkedHashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(EventBody.class));
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (c.isSealed()) todo.addAll(List.of(c.getPermittedSubclasses()));
            else leaves.add(c);
        }
        return leaves;
    }

    @Test
    void everyEventBodyHasAnExplicitRoute() {
        Set<Class<?>> bodies = everyEventBody();
        // The Jackson registration names the same records (a body only one of them knows would escape this test).
        assertThat(Stream.of(EventBody.class.getAnnotation(JsonSubTypes.class).value()).map(JsonSubTypes.Type::value)
                .collect(Collectors.toSet())).containsExactlyInAnyOrderElementsOf(bodies);
        Set<String> unrouted = new TreeSet<>();
        for (Class<?> c : bodies) {
            if (!EventRouter.TABLE.containsKey(c)) unrouted.add(c.getName());
        }
        assertThat(unrouted).as("EventBody records without a row in EventRouter.TABLE").isEmpty();
        assertThat(new LinkedHashSet<Class<?>>(EventRouter.TABLE.keySet()))
                .as("rows of EventRouter.TABLE that are not EventBody records")
                .containsExactlyInAnyOrderElementsOf(bodies);
        for (Class<?> c : bodies) {
            @SuppressWarnings("unchecked")
            Class<? extends EventBody> b = (Class<? extends EventBody>) c;
            assertThat(router.routes(b, "r", "v", null)).as(c.getName()).isNotEmpty()
                    .allSatisfy(r -> assertThat(TopicLayout.defaults().allNames()).contains(r.topic()));
        }
    }

    @Test
    void aTypeWithoutARouteIsRefusedNotSentToADefaultTopic() {
        assertThatThrownBy(() -> router.routes("vm.renamed", "r", "v")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vm.renamed");
    }

    @Test
    void runEventsGoToResultsKeyedByTheRunAlone() {
        RunEvent started = RunEvent.ofRun("run-1", 0, T, new RunStarted(List.of("a/b/c"), "h", List.of(), "kvm", null));
        RunEvent finished = RunEvent.ofRun("run-1", 1, T, new RunFinished(Map.of(), List.of(), List.of(), 5, null));
        for (RunEvent e : List.of(started, finished)) {
            assertThat(router.routes(e)).containsExactly(new EventRouter.Route("ktstr4j.results", "run-1", true));
            assertThat(router.routes(EventCodec.encode(e))).isEqualTo(router.routes(e));
        }
    }

    @Test
    void aRunLevelVerdictHasNoLatestCopyAndStandaloneEventsAreKeyedByTheirOwnId() {
        RunEvent verdict = RunEvent.ofRun("run-1", 2, T, new RunVerdict(Verdict.pass(null)));
        assertThat(router.routes(verdict)).extracting(EventRouter.Route::topic).containsExactly("ktstr4j.results");
        RunEvent host = RunEvent.standalone("host.state/ci-7/42", 0, T, hostState());
        assertThat(router.routes(host))
                .containsExactly(new EventRouter.Route("ktstr4j.hoststate", "host.state/ci-7/42", true));
        assertThat(router.routes(new RunEvent("run-1", "a/b/c", 3, T, hostState())))
                .containsExactly(new EventRouter.Route("ktstr4j.hoststate", "run-1/a/b/c", true));
    }

    @Test
    void analysisResultsGoToRegressionsKeyedByTheirVariant() {
        FlakyOutcomes flaky = new FlakyOutcomes("steady/eevdf",
                "abc1234", "6.12", Map.of(Outcome.PASS, 1, Outcome.FAIL, 1), 2, "run-1/a/b/c@t", true);
        RunEvent e = RunEvent.standalone("analysis.flaky/run-1/a/b/c@t", 0, T, flaky);
        assertThat(router.routes(e)).containsExactly(new EventRouter.Route("ktstr4j.regressions", "steady/eevdf", true));
        assertThat(router.routes(EventCodec.encode(e))).isEqualTo(router.routes(e));
    }

    @Test
    void aHostStateCaptureAndItsDeltaAreKeyedByTheirHostEvenInsideARun() {
        HostStateSnapshot s = new HostStateSnapshot(5, null, List.of(), Map.of(), "node-7", "run-1",
                io.ktstr4j.schemas.hoststate.CapturePhase.BEFORE_RUN, null, Map.of());
        assertThat(router.routes(RunEvent.ofRun("run-1", 0, T, s)))
                .containsExactly(new EventRouter.Route("ktstr4j.hoststate", "node-7", true));
        io.ktstr4j.schemas.event.HostStateDelta d = new io.ktstr4j.schemas.event.HostStateDelta("node-7", "run",
                "run-1", 5, 9, "pcomm", List.of(), List.of(), List.of(), List.of(), true, "quiet");
        RunEvent e = RunEvent.standalone(d.eventId(), 0, T, d);
        assertThat(router.routes(EventCodec.encode(e)))
                .containsExactly(new EventRouter.Route("ktstr4j.hoststate", "node-7", true));
        assertThat(router.routes(RunEvent.standalone("own-1", 0, T, hostState())))
                .as("a ktstr capture names no host: its own id").extracting(EventRouter.Route::key)
                .containsExactly("own-1");
    }

    @Test
    void recordsOfRunAndStandaloneEventsLeaveOutTheHeadersTheyHaveNoValueFor() {
        RecordEncoder enc = new RecordEncoder(router, 100, 1 << 20, 1 << 20, EventCodec.SCHEMA_VERSION);
        List<OutRecord> recs = enc.encode(List.of(
                EventCodec.encode(RunEvent.ofRun("run-1", 0, T,
                        new RunStarted(List.of("a/b/c"), "h", List.of(), "kvm", null))),
                EventCodec.encode(RunEvent.standalone("own-1", 0, T, hostState()))));
        assertThat(recs).hasSize(2);
        OutRecord run = recs.get(0);
        assertThat(run.header(KtstrHeaders.RUN_ID)).isEqualTo("run-1");
        assertThat(run.header(KtstrHeaders.VARIANT_KEY)).isNull();
        assertThat(run.header(KtstrHeaders.EVENT_ID)).isEqualTo("run-1/-/0");
        assertThat(run.header(KtstrHeaders.EVENT_TYPE)).isEqualTo("run.started");
        assertThat(run.header(KtstrHeaders.SCHEMA_VERSION)).isEqualTo(EventCodec.SCHEMA_VERSION);
        OutRecord own = recs.get(1);
        assertThat(own.header(KtstrHeaders.RUN_ID)).isNull();
        assertThat(own.header(KtstrHeaders.EVENT_ID)).isEqualTo("own-1");
        RecordDecoder dec = new RecordDecoder();
        List<RunEvent> back = new ArrayList<>();
        for (OutRecord r : recs) {
            dec.decode(r, 0).forEach(l -> back.add(EventCodec.decode(l, r.topic())));
        }
        assertThat(back).extracting(RunEvent::eventId).containsExactly("run-1/-/0", "own-1");
    }

    @Test
    void theDeduperTellsRunEventsVariantEventsAndStandaloneEventsApart() {
        Deduper d = new Deduper();
        String topic = "ktstr4j.results";
        RunEvent runEv = RunEvent.ofRun("r", 0, T, new RunFinished(Map.of(), List.of(), List.of(), 1, null));
        RunEvent variantEv = new RunEvent("r", "a/b/c", 0, T, new ScenarioStart());
        assertThat(d.firstTime(topic, runEv)).isTrue();
        assertThat(d.firstTime(topic, variantEv)).isTrue();
        assertThat(d.firstTime(topic, runEv)).isFalse();
        assertThat(d.firstTime(topic, variantEv)).isFalse();
        RunEvent a = RunEvent.standalone("x/1", 0, T, new ScenarioStart());
        RunEvent b = RunEvent.standalone("x/2", 0, T, new ScenarioStart());
        assertThat(d.firstTime(topic, a)).isTrue();
        assertThat(d.firstTime(topic, b)).as("same seq, another id: not a duplicate").isTrue();
        assertThat(d.firstTime(topic, a)).isFalse();
        assertThat(d.dropped()).isEqualTo(3);
    }

    static HostStateSnapshot hostState() {
        return new HostStateSnapshot(1, null, List.of(), Map.of());
    }
}
