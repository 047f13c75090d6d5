package io.ktstr4j.schemas.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ktstr4j.schemas.InvalidFieldException;
import io.ktstr4j.schemas.SchemaException;
import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.verdict.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RunEvent 1.1: variant, run and standalone events; 1.0 envelopes still read; ids unique and stable. */
class RunEventEnvelopeTest {
    static final Instant T = Instant.parse("2026-11-25T13:00:00Z");

    @Test
    void aVersion10VariantEventStillReads() {
        String v10 = "{\"schema\":\"ktstr4j.run_event/1.0\",\"run_id\":\"r\",\"variant_key\":\"a/b/c\",\"seq\":3,"
                + "\"timestamp\":\"2026-11-25T13:00:00Z\",\"body\":{\"type\":\"guest.scenario_start\"}}";
        RunEvent e = Json.read(v10, RunEvent.class, "v10");
        assertThat(e.eventId()).isEqualTo("r/a/b/c/3");
        assertThat(e.isRunLevel()).isFalse();
        assertThat(e.isStandalone()).isFalse();
        // Written back as 1.3 with the same fields: nothing new appears for a variant event.
        assertThat(Json.write(e)).isEqualTo(v10.replace("1.0", "1.3"));
    }

    @Test
    void runEventsHaveNoVariantKeyAndAnIdOfTheirOwnSpace() {
        RunEvent e = RunEvent.ofRun("r1", 0, T, new RunStarted(List.of("a/b/c"), "h", List.of("/k"), "kvm", "1"));
        JsonNode n = Json.toTree(e);
        assertThat(n.has("variant_key")).isFalse();
        assertThat(n.has("event_id")).isFalse();
        assertThat(e.isRunLevel()).isTrue();
        assertThat(e.eventId()).isEqualTo("r1/-/0");
        RunEvent back = Json.read(Json.write(e), RunEvent.class, "run");
        assertThat(back).isEqualTo(e);
        assertThat(back.eventId()).isEqualTo(e.eventId());
        assertThat(new RunEvent("r1", "a/b/c", 0, T, new ScenarioStart()).eventId()).isNotEqualTo(e.eventId());
        assertThatThrownBy(() -> new RunEvent("r1", RunEvent.NO_VARIANT, 0, T, new ScenarioStart()))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("reserved");
    }

    @Test
    void standaloneEventsCarryTheProducersId() {
        RunEvent e = RunEvent.standalone("host.state/h/1", 0, T, new ScenarioStart());
        JsonNode n = Json.toTree(e);
        assertThat(n.has("run_id")).isFalse();
        assertThat(n.has("variant_key")).isFalse();
        assertThat(n.get("event_id").asText()).isEqualTo("host.state/h/1");
        assertThat(e.eventId()).isEqualTo("host.state/h/1");
        assertThat(e.isStandalone()).isTrue();
        assertThat(Json.read(Json.write(e), RunEvent.class, "s")).isEqualTo(e);
    }

    @Test
    void theEnvelopeRefusesMixedKinds() {
        assertThatThrownBy(() -> new RunEvent(null, "a/b/c", null, 0, T, new ScenarioStart(), Map.of()))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("run_id");
        assertThatThrownBy(() -> new RunEvent(null, null, null, 0, T, new ScenarioStart(), Map.of()))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("event_id");
        assertThatThrownBy(() -> new RunEvent("r", null, "own", 0, T, new ScenarioStart(), Map.of()))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("event_id");
        assertThatThrownBy(() -> Json.read("{\"schema\":\"ktstr4j.run_event/1.1\",\"seq\":0,"
                + "\"timestamp\":\"2026-11-25T13:00:00Z\",\"body\":{\"type\":\"guest.scenario_start\"}}",
                RunEvent.class, "e")).isInstanceOf(SchemaException.class).hasMessageContaining("event_id");
    }

    @Test
    void runFinishedCountsByOutcome() {
        RunFinished f = new RunFinished(Map.of(Outcome.PASS, 2, Outcome.FAIL, 1), List.of("x"), List.of("y", "z"),
                1234, "boom");
        assertThat(f.finished()).isEqualTo(3);
        String json = Json.write(RunEvent.ofRun("r", 1, T, f));
        assertThat(json).contains("\"outcomes\":{\"PASS\":2,\"FAIL\":1}").contains("\"not_run\":[\"y\",\"z\"]")
                .doesNotContain("\"finished\"");
        assertThat(Json.read(json, RunEvent.class, "f").body()).isEqualTo(f);
    }
}
