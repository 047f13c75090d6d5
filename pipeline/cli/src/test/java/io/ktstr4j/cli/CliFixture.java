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

    /** Where runs store their results by default: nowhere, unless a test says otherwise. */
    io.ktstr4j.stats.store.StoreLocation storeLocation = new io.ktstr4j.stats.store.StoreLocation.None();

    /** What the user types at {@code kernel clean}'s prompt; null: standard input is not a terminal. */
    String terminalAnswer;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void files() throws Exception {
        kernel = fakeKernel(tmp.resolve("bzImage"));
        plan = Files.writeString(tmp.resolve("steady.plan"), "ktstr4j-plan trivial\nsleep_ms 10\n");
    }

    /**
     * A file the run's kernel check accepts (the fake backend never boots it): a bzImage setup header (boot flag,
     * "HdrS", protocol 2.15, loaded high, 64-bit entry) with one setup sector and 16 bytes of "kernel".
     */
    static Path fakeKernel(Path file) throws java.io.IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(2 * 512 + 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(0x1f1, (byte) 1);                 // setup_sects
        b.putInt(0x1f4, 1);                     // syssize, in 16-byte units
        b.putShort(0x1fe, (short) 0xaa55);      // boot_flag
        b.putInt(0x202, 0x53726448);            // "HdrS"
        b.putShort(0x206, (short) 0x20f);       // boot protocol 2.15
        b.put(0x211, (byte) 0x01);              // loadflags: LOADED_HIGH
        b.putShort(0x236, (short) 0x01);        // xloadflags: XLF_KERNEL_64
        return Files.write(file, b.array());
    }

    /** Services with a fake VM backend whose guest reports the given worker work (0 = starved). */
    /** Where the CLI's host CPU lock files go in these tests. */
    Path lockDir;

    @org.junit.jupiter.api.BeforeEach
    void lockFolder() throws java.io.IOException {
        lockDir = java.nio.file.Files.createDirectories(tmp.resolve("locks"));
    }

    Services services(long secondWorkerWork, RuntimeException backendFailure) {
        return new Services(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)) {
            @Override
            public ScenarioCatalog catalog() {
                return () -> List.of("steady");
            }

            @Override
            public io.ktstr4j.stats.store.StoreLocation resultsStore() {
                return storeLocation; // tests never write the user's store
            }

            @Override
            public io.ktstr4j.hoststate.ProcCapture hostCapture() {
                return new io.ktstr4j.hoststate.ProcCapture(procTree().root(), java.time.Clock.systemUTC());
            }

            @Override
            public Path hostStateDir() {
                return tmp.resolve("cache/host-state"); // tests never write the user's cache
            }

            @Override
            public Path lockDir() {
                return lockDir; // tests never hold the host's CPU locks
            }

            @Override
            public java.util.Map<String, String> env() {
                return kernelEnv(); // tests never read or write the user's kernel caches
            }

            @Override
            public io.ktstr4j.pipeline.kernel.KernelBuilder kernelBuilder(java.util.function.Consumer<String> p) {
                try {
                    return new io.ktstr4j.pipeline.kernel.KernelBuilder(kernelCache(), env(),
                            io.ktstr4j.pipeline.kernel.HostTools.of(env(),
                                    io.ktstr4j.pipeline.kernel.FakeKernelTree.include(tmp.resolve("include"))),
                            tmp.resolve("usr-src"), p, java.time.Duration.ofMillis(100));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            @Override
            public java.io.BufferedReader terminalInput() {
                return terminalAnswer == null ? null
                        : new java.io.BufferedReader(new java.io.StringReader(terminalAnswer + "\n"));
            }

            @Override
            public RunnerChoice runner(String backendRequest, boolean verbose) {
                GuestLink.Factory ch = VariantRunnerTest.guest(VariantRunnerTest.healthy(secondWorkerWork));
                return new RunnerChoice(new VariantRunner(FakeVm.backend(new FakeVm(3, false), backendFailure),
                        v -> List.of(), ch, MonitorSource.NONE, null, 1024, verbose), "fake", "test");
            }
        };
    }

    /**
     * The environment the CLI sees: kernel caches in the temp folder ({@code cache/kernels} and {@code ktstr-cache}),
     * and a PATH with stubs of the kernel build's tools this host lacks.
     */
    java.util.Map<String, String> kernelEnv() {
        try {
            java.util.Map<String, String> env = new java.util.HashMap<>(
                    io.ktstr4j.pipeline.kernel.FakeKernelTree.env(tmp.resolve("stubs")));
            env.put("KTSTR4J_CACHE_DIR", tmp.resolve("cache").toString());
            env.put("KTSTR_CACHE_DIR", tmp.resolve("ktstr-cache").toString());
            env.put("HOME", tmp.resolve("home").toString());
            env.remove("KTSTR4J_KERNEL");
            return env;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The fixture /proc tree the CLI's host-state captures read: two processes, one of them busy. */
    io.ktstr4j.hoststate.ProcTree procTree() {
        return new io.ktstr4j.hoststate.ProcTree(tmp.resolve("proc-root"))
                .thread(io.ktstr4j.hoststate.ProcTree.Thread.of(100, 100, "stress-ng", "stress-ng", 5_000_000_000L),
                        true)
                .thread(io.ktstr4j.hoststate.ProcTree.Thread.of(7, 7, "sshd", "sshd", 1_000L), true);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
