package io.ktstr4j.stats.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several processes on one DuckDB file: two JVMs ingest batch after batch while a third reads, all at once. DuckDB
 * lets one process open the file at a time, so each waits for the others' short opens ({@link LockRetry}); nothing
 * may be lost or fail.
 */
@org.junit.jupiter.api.Tag("slow") // three JVMs, each loading DuckDB's native library: ~14 s on 2 cores
class StoreConcurrencyTest {

    @TempDir
    Path tmp;

    static final int BATCHES = 15;
    static final int PER_BATCH = 4;

    @Test
    void twoWritingProcessesAndAReadingOneShareTheFile() throws Exception {
        Path file = tmp.resolve("shared.duckdb");
        long expected = 2L * BATCHES * PER_BATCH;
        List<Process> ps = new ArrayList<>();
        ps.add(child(StoreWriterMain.class, file.toString(), "w1", "" + BATCHES, "" + PER_BATCH));
        ps.add(child(StoreWriterMain.class, file.toString(), "w2", "" + BATCHES, "" + PER_BATCH));
        ps.add(child(StoreReaderMain.class, file.toString(), "" + expected));
        List<String> outputs = new ArrayList<>();
        try {
            for (Process p : ps) {
                assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                outputs.add(out);
                assertThat(p.exitValue()).as("exit of a child; it said: %s", out).isZero();
            }
        } finally {
            ps.forEach(Process::destroyForcibly); // a failed wait must not leave JVMs behind
        }
        assertThat(outputs.get(0)).isEqualTo("stored " + BATCHES * PER_BATCH);
        assertThat(outputs.get(1)).isEqualTo("stored " + BATCHES * PER_BATCH);
        assertThat(outputs.get(2)).startsWith("reads ").endsWith("last " + expected);
        assertThat(ResultsStore.at(new StoreLocation.DuckDbFile(file)).count()).isEqualTo(expected);
    }

    private static Process child(Class<?> main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }
}
