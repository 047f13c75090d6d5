package io.ktstr4j.cli;

import io.ktstr4j.pipeline.FakeVm;
import io.ktstr4j.pipeline.MonitorSource;
import io.ktstr4j.pipeline.ScenarioCatalog;
import io.ktstr4j.pipeline.VariantRunner;
import io.ktstr4j.pipeline.VariantRunnerTest;
import io.ktstr4j.vmm.channel.GuestLink;
import java.util.List;

/**
 * The CLI in a JVM of its own, on a fake VM that writes its console lines and then hangs until the watchdog: what
 * {@link CliSignalTest} sends SIGTERM to in the middle of a run.
 */
public final class HangingRunMain {
    private HangingRunMain() {
    }

    public static void main(String[] args) {
        Services s = new Services(System.out, System.err) {
            @Override
            public ScenarioCatalog catalog() {
                return () -> List.of("steady");
            }

            @Override
            public RunnerChoice runner(String backendRequest, boolean verbose) {
                GuestLink.Factory ch = VariantRunnerTest.guest(VariantRunnerTest.healthy(99_000));
                return new RunnerChoice(new VariantRunner(FakeVm.backend(new FakeVm(3000, true), null),
                        v -> List.of(), ch, MonitorSource.NONE, null, 1 << 16, verbose), "fake", "test");
            }
        };
        System.exit(Main.execute(s, args));
    }
}
