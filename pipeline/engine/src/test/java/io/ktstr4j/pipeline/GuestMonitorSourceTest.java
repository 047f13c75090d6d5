package io.ktstr4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.EventBody;
import io.ktstr4j.schemas.event.VmEvent;
import io.ktstr4j.vmm.ArrayGuestMemory;
import io.ktstr4j.vmm.GuestMemory;
import io.ktstr4j.vmm.ShmRegion;
import io.ktstr4j.vmm.Vm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** Whether the monitor can run for a kernel, what it says when it cannot, and the parsed-file cache (no VM). */
class GuestMonitorSourceTest {

    @TempDir
    Path dir;

    /** A VM that is only guest RAM (all zero: no kernel in it). */
    static Vm ramOnly(GuestMemory mem) {
        return new Vm() {
            @Override
            public Flux<VmEvent> events() {
                return Flux.never();
            }

            @Override
            public GuestMemory memory() {
                return mem;
            }

            @Override
            public ShmRegion shm() {
                return null;
            }

            @Override
            public String cmdline() {
                return "";
            }

            @Override
            public void close() {
            }
        };
    }

    static Variant withKernel(Path kernel) {
        Variant v = VariantRunnerTest.variant(SchedulerChoice.eevdf());
        return new Variant(v.testName(), v.preset(), v.topology(), v.scheduler(), kernel, v.plan(), v.duration(),
                v.memoryMb(), v.watchdog(), v.thresholds(), v.kargs(), v.sysctls(), v.workType(), null, 0);
    }

    @Test
    void aKernelWithoutSymbolsIsUnavailableWithAReasonNamingTheFiles() throws Exception {
        Path kernel = Files.write(dir.resolve("bzImage"), new byte[] {1});
        GuestMonitorSource m = new GuestMonitorSource();
        Variant v = withKernel(kernel);
        assertThat(m.available(v)).isFalse();
        assertThat(m.unavailableReason(v)).contains("System.map").contains("vmlinux.btf").contains(dir.toString());
    }

    @Test
    void unparsableSymbolsAreAProblemOfTheRunNotAnError() throws Exception {
        Path kernel = Files.write(dir.resolve("bzImage"), new byte[] {1});
        Files.writeString(dir.resolve("System.map"), "this is not a symbol map\n", StandardCharsets.US_ASCII);
        Files.write(dir.resolve("vmlinux.btf"), new byte[64]);
        GuestMonitorSource m = new GuestMonitorSource();
        Variant v = withKernel(kernel);
        assertThat(m.unavailableReason(v)).isNull();

        List<String> problems = new CopyOnWriteArrayList<>();
        List<EventBody> got = m.open(ramOnly(new ArrayGuestMemory(4096)), v,
                        new MonitorContext(Mono.never(), Mono.empty(), problems::add))
                .collectList().block(Duration.ofSeconds(10));
        assertThat(got).isEmpty();
        assertThat(problems).singleElement().asString().contains("the monitor could not start")
                .contains("System.map:1");
    }

    @Test
    void theShippedKernelsFilesAreParsedOnceForManyRuns() throws Exception {
        Path kernel = Defaults.kernel().orElse(null);
        Assumptions.assumeTrue(kernel != null && Files.isReadable(kernel.resolveSibling("System.map"))
                && Files.isReadable(kernel.resolveSibling("vmlinux.btf")), "no System.map/vmlinux.btf next to the "
                + "shared kernel (set KTSTR4J_KERNEL)");
        GuestMonitorSource m = new GuestMonitorSource();
        Variant v = withKernel(kernel);
        assertThat(m.unavailableReason(v)).isNull();
        for (int run = 0; run < 2; run++) {
            Sinks.Empty<Void> gone = Sinks.empty();
            List<String> problems = new CopyOnWriteArrayList<>();
            Flux<EventBody> events = m.open(ramOnly(new ArrayGuestMemory(8 << 20)), v,
                    new MonitorContext(gone.asMono(), Mono.empty(), problems::add));
            List<EventBody> got = new CopyOnWriteArrayList<>();
            var done = new java.util.concurrent.CountDownLatch(1);
            events.doOnTerminate(done::countDown).subscribe(got::add);
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (m.kernelLoads() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(300);
            gone.tryEmitEmpty();
            assertThat(done.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(got).as("empty guest RAM: nothing to sample").isEmpty();
            // Why there were no samples (which depends on whether a tick ran yet; MonitorSessionTest checks the text).
            assertThat(problems).hasSize(1);
        }
        assertThat(m.kernelLoads()).isEqualTo(1);
    }
}
