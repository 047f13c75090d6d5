package io.ktstr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.RunFinished;
import io.ktstr4j.schemas.event.RunStarted;
import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.verdict.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ktstr4j run} is one run: one run id for every variant, framed by run.started and run.finished. */
class RunEventsCliTest extends CliFixture {

    static final List<String> KEYS = List.of("steady/tiny-2llc/eevdf", "steady/tiny-1llc/eevdf");

    List<RunEvent> events(Path f) throws Exception {
        return Files.readAllLines(f).stream().map(l -> Json.read(l, RunEvent.class, f.toString())).toList();
    }

    @Test
    void everyVariantCarriesTheCommandsRunIdBetweenRunStartedAndRunFinished() throws Exception {
        Path file = tmp.resolve("events.jsonl");
        int code = Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--topology", "tiny-2llc,tiny-1llc", "--events", file.toString(), "--quiet");
        assertThat(code).as(err()).isZero();
        List<RunEvent> ev = events(file);
        String runId = ev.get(0).runId();
        assertThat(ev).extracting(RunEvent::runId).containsOnly(runId);
        assertThat(ev).extracting(RunEvent::eventId).doesNotHaveDuplicates();
        assertThat(ev.stream().map(RunEvent::variantKey).filter(java.util.Objects::nonNull).distinct())
                .containsExactlyElementsOf(KEYS);

        RunEvent first = ev.get(0);
        assertThat(first.isRunLevel()).isTrue();
        assertThat(first.eventId()).isEqualTo(runId + "/-/0");
        RunStarted started = (RunStarted) first.body();
        assertThat(started.variants()).containsExactlyElementsOf(KEYS);
        assertThat(started.kernels()).containsExactly(kernel.toString());
        assertThat(started.backend()).isEqualTo("fake");
        assertThat(started.version()).isEqualTo(Main.VERSION);

        RunEvent last = ev.get(ev.size() - 1);
        assertThat(last.isRunLevel()).isTrue();
        assertThat(last.eventId()).isEqualTo(runId + "/-/1");
        RunFinished finished = (RunFinished) last.body();
        assertThat(finished.outcomes()).isEqualTo(Map.of(Outcome.PASS, 2));
        assertThat(finished.cancelled()).isEmpty();
        assertThat(finished.notRun()).isEmpty();
        assertThat(finished.error()).isNull();
        assertThat(ev.subList(1, ev.size() - 1)).noneMatch(RunEvent::isRunLevel);
    }

    @Test
    void runFinishedIsWrittenWhenTheCommandFailsMidway() throws Exception {
        Path file = tmp.resolve("events.jsonl");
        // writing the first sidecar fails: a file stands where its run folder goes ({kernel}-{project_commit}, both
        // unknown here; a --out that is a file is refused before the run)
        Path outDir = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(outDir.resolve("unknown-unknown"), "x");
        int code = Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--topology", "tiny-2llc,tiny-1llc", "--events", file.toString(), "--out", outDir.toString(),
                "--project-dir", tmp.toString(), "--quiet");
        assertThat(code).isNotZero();
        List<RunEvent> ev = events(file);
        assertThat(ev.get(0).body()).isInstanceOf(RunStarted.class);
        RunFinished finished = (RunFinished) ev.get(ev.size() - 1).body();
        // The first variant got its verdict before its sidecar failed. The gauntlet starts the second as soon as the
        // first VM is gone, while the first result is being written: the failure then stops it, or finds it not
        // started yet, or (a fake VM is quick) finished with its verdict. Each is counted once, in its place.
        assertThat(finished.outcomes().get(Outcome.PASS)).isBetween(1, 2);
        List<String> unfinished = new java.util.ArrayList<>(finished.cancelled());
        unfinished.addAll(finished.notRun());
        assertThat(finished.finished() + unfinished.size()).isEqualTo(2);
        if (!unfinished.isEmpty()) {
            assertThat(unfinished).containsExactly(KEYS.get(1));
            assertThat(ev.stream().filter(e -> KEYS.get(1).equals(e.variantKey())).map(e -> e.body().getClass()))
                    .as("no verdict for the stopped one")
                    .doesNotContain((Class) io.ktstr4j.schemas.event.RunVerdict.class);
        }
        assertThat(finished.error()).isNotBlank();
    }
}
