package io.ktstr4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.verdict.DetailKind;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.schemas.verdict.Reason;
import io.ktstr4j.schemas.verdict.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A scheduler that fails to load: its loader's or verifier's last lines are in the SchedulerDied reason. */
class SchedulerOutputInReasonTest {

    @Test
    void theVerifiersLastLinesJoinTheSchedulerDiedReason() {
        List<String> log = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            log.add("verifier line " + i);
        }
        log.add("libbpf: prog 'simple_enqueue': failed to load: -13");
        Verdict v = new Verdict(Outcome.FAIL, List.of(new Reason(DetailKind.SCHEDULER_DIED,
                "scheduler /scheduler exited (status 1) before sched_ext was enabled"),
                new Reason(DetailKind.STARVED, "no work")), null);
        Verdict out = Evaluation.withSchedulerOutput(v, log);
        String m = out.reasons().get(0).message();
        assertThat(m).startsWith("scheduler /scheduler exited (status 1) before sched_ext was enabled\n")
                .contains("scheduler output (last 20 of 31 lines):")
                .contains("failed to load: -13").contains("verifier line 11").doesNotContain("verifier line 10\n");
        assertThat(out.reasons().get(1).message()).isEqualTo("no work");
        assertThat(out.outcome()).isEqualTo(Outcome.FAIL);
    }

    @Test
    void withoutSchedulerDiedOrOutputTheVerdictIsUnchanged() {
        Verdict v = new Verdict(Outcome.FAIL, List.of(new Reason(DetailKind.STARVED, "no work")), null);
        assertThat(Evaluation.withSchedulerOutput(v, List.of("a line"))).isSameAs(v);
        Verdict died = new Verdict(Outcome.FAIL, List.of(new Reason(DetailKind.SCHEDULER_DIED, "gone")), null);
        assertThat(Evaluation.withSchedulerOutput(died, List.of())).isSameAs(died);
    }
}
