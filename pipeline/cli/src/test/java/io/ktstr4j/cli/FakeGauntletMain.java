package io.ktstr4j.cli;

import io.ktstr4j.pipeline.FakeVm;
import io.ktstr4j.pipeline.MonitorSource;
import io.ktstr4j.pipeline.ScenarioCatalog;
import io.ktstr4j.pipeline.VariantRunner;
import io.ktstr4j.pipeline.VariantRunnerTest;
import io.ktstr4j.vmm.channel.GuestLink;
import java.nio.file.Path;
import java.util.List;

/**
 * The CLI in a JVM of its own on fake VMs that each run {@code -Dfake.vmMillis} before they exit (or until they are
 * stopped; stopping one takes {@code -Dfake.closeMillis}), holding its host CPU locks in {@code -Dfake.lockDir}: what the gauntlet tests start twice at once, or
 * interrupt.
 */
public final class FakeGauntletMain {
    private FakeGauntletMain() {
    }

    public static void main(String[] args) {
        long vmMillis = Long.getLong("fake.vmMillis", 1000);
        long closeMillis = Long.getLong("fake.closeMillis", 0);
        Path lockDir = Path.of(System.getProperty("fake.lockDir"));
        Services s = new Services(System.out, System.err) {
            @Override
            public ScenarioCatalog catalog() {
                return () -> List.of("steady");
            }

            @Override
            public Path lockDir() {
                return lockDir;
            }

            @Override
            public RunnerChoice runner(String backendRequest, boolean verbose) {
                GuestLink.Factory ch = VariantRunnerTest.guest(VariantRunnerTest.healthy(99_000));
                return new RunnerChoice(new VariantRunner(FakeVm.backend(() -> new FakeVm(3, false).lasting(vmMillis).closing(closeMillis)),
                        v -> List.of(), ch, MonitorSource.NONE, null, 1 << 12, verbose), "fake", "test");
            }
        };
        System.exit(Main.execute(s, args));
    }
}
