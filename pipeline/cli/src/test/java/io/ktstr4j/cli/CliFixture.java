package io.ktstr4j.cli;

import io.ktstr4j.pipeline.FakeVm;
import io.ktstr4j.pipeline.MonitorSource;
import io.ktstr4j.pipeline.ScenarioCatalog;
import io.ktstr4j.pipeline.VariantRunner;
import io.ktstr4j.pipeline.VariantRunnerTest;
import io.ktstr4j.vmm.channel.GuestLink;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The CLI with a fake VM backend: temp files, captured stdout/stderr, {@link Services} for the tests. */
abstract class CliFixture {

    @TempDir
    Path tmp;
    Path kernel;
    Path plan;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void files() throws Exception {
        kernel = Files.writeString(tmp.resolve("bzImage"), "not really a kernel");
        plan = Files.writeString(tmp.resolve("steady.plan"), "ktstr4j-plan trivial\nsleep_ms 10\n");
    }

    /** Services with a fake VM backend whose guest reports the given worker work (0 = starved). */
    Services services(long secondWorkerWork, RuntimeException backendFailure) {
        return new Services(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)) {
            @Override
            public ScenarioCatalog catalog() {
                return () -> List.of("steady");
            }

            @Override
            public RunnerChoice runner(String backendRequest, boolean verbose) {
                GuestLink.Factory ch = VariantRunnerTest.guest(VariantRunnerTest.healthy(secondWorkerWork));
                return new RunnerChoice(new VariantRunner(FakeVm.backend(new FakeVm(3, false), backendFailure),
                        v -> List.of(), ch, MonitorSource.NONE, null, 1024, verbose), "fake", "test");
            }
        };
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
