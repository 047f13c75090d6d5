package io.ktstr4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.pipeline.host.HostContextReader;
import io.ktstr4j.pipeline.kernel.GitFixture;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.RunSidecar;
import io.ktstr4j.schemas.sidecar.HostContext;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.schemas.spec.ThresholdMode;
import io.ktstr4j.schemas.spec.Thresholds;
import io.ktstr4j.schemas.topology.TopologyPresets;
import io.ktstr4j.vmm.Vm;
import io.ktstr4j.vmm.VmBackend;
import io.ktstr4j.vmm.VmConfig;
import io.ktstr4j.vmm.VmConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the sidecar records about the run's surroundings: host, commits, variant hash, backend facts. */
class SidecarFactsTest {

    @TempDir
    Path tmp;

    static SidecarResult sidecarOf(VmBackend backend, Variant v) {
        List<RunEvent> events = new VariantRunner(backend, x -> List.of(),
                VariantRunnerTest.guest(VariantRunnerTest.healthy(99_000)), MonitorSource.NONE, null, 1024, false)
                .run(v).collectList().block(Duration.ofSeconds(10));
        return events.stream().map(RunEvent::body).filter(RunSidecar.class::isInstance)
                .map(b -> ((RunSidecar) b).result()).findFirst().orElseThrow();
    }

    static VmBackend emulated(VmBackend b) {
        return new VmBackend() {
            @Override
            public String name() {
                return "qemu";
            }

            @Override
            public Vm create(VmConfig config) {
                return b.create(config);
            }

            @Override
            public boolean softwareEmulated() {
                return true;
            }
        };
    }

    static Variant withSysctlAndKarg() {
        Variant v = VariantRunnerTest.variant(SchedulerChoice.eevdf());
        return new Variant(v.testName(), v.preset(), v.topology(), v.scheduler(), v.kernel(), v.plan(), v.duration(),
                v.memoryMb(), v.watchdog(), v.thresholds(), List.of("nosmt", "sysctl.kernel.sched_x=1"),
                List.of("sysctl.kernel.sched_x=1"), v.workType());
    }

    @Test
    void aRunRecordsTheHostItsHashAndThatItWasNotEmulated() {
        SidecarResult s = sidecarOf(FakeVm.backend(new FakeVm(5, false), null), withSysctlAndKarg());
        HostContext host = HostContextReader.current();
        assertThat(s.host()).isEqualTo(host);
        assertThat(s.tcg()).isFalse();
        assertThat(s.cpuOvercommit()).as("tiny-2llc has 4 vCPUs").isEqualTo(4.0 / host.onlineCpus());
        assertThat(s.sysctls()).containsExactly("sysctl.kernel.sched_x=1");
        assertThat(s.kargs()).as("ktstr's kargs: the sysctls are a field of their own").containsExactly("nosmt");
        assertThat(s.variantHash()).isEqualTo(VariantHash.hex(VariantHash.of("1n2l2c1t", "eevdf", null, "CpuSpin",
                List.of(), List.of("sysctl.kernel.sched_x=1"), List.of("nosmt"))));
        assertThat(s.schedulerCommit()).as("eevdf has no binary").isNull();
    }

    @Test
    void anEmulatedBackendIsRecordedAsTcg() {
        SidecarResult s = sidecarOf(emulated(FakeVm.backend(new FakeVm(5, false), null)),
                VariantRunnerTest.variant(SchedulerChoice.eevdf()));
        assertThat(s.tcg()).isTrue();
        assertThat(s.backend()).isEqualTo("fake").as("the name the VM reported");
    }

    @Test
    void withoutAVmThereIsNoOvercommitOrTcgButStillAHash() {
        SidecarResult s = sidecarOf(FakeVm.backend(new FakeVm(0, false), new VmConfigException("kernel: missing")),
                VariantRunnerTest.variant(SchedulerChoice.eevdf()));
        assertThat(s.backend()).isNull();
        assertThat(s.tcg()).isNull();
        assertThat(s.cpuOvercommit()).isNull();
        assertThat(s.variantHash()).isEqualTo(VariantHash.hex(VariantHash.of(s)));
        assertThat(s.host()).isNotNull();
    }

    @Test
    void aSkippedVariantCarriesItsHashAndHost() {
        Variant v = new Variant("steady", "tiny-2llc", TopologyPresets.get("tiny-2llc"), SchedulerChoice.eevdf(),
                Path.of("/k/bzImage"), null, Duration.ofSeconds(2), 256, Duration.ofSeconds(20),
                Thresholds.resolve(ThresholdMode.RELEASE), List.of(), List.of(), "CpuSpin", "needs 8 CPUs", 0);
        HostContext host = HostContext.builder().onlineCpus(2).build();
        SidecarResult s = Evaluation.skipped("r1", v, Instant.EPOCH, host).sidecar();
        assertThat(s.skipped()).isTrue();
        assertThat(s.host()).isEqualTo(host);
        assertThat(s.variantHash()).isEqualTo(VariantHash.hex(VariantHash.of(s)));
        assertThat(s.tcg()).isNull();
    }

    @Test
    void overcommitIsVcpusPerOnlineHostCpu() {
        Variant v = VariantRunnerTest.variant(SchedulerChoice.eevdf()); // 4 vCPUs
        assertThat(Evaluation.overcommit(v, HostContext.builder().onlineCpus(8).build())).isEqualTo(0.5);
        assertThat(Evaluation.overcommit(v, HostContext.builder().onlineCpus(2).build())).isEqualTo(2.0);
        assertThat(Evaluation.overcommit(v, HostContext.builder().build())).isNull();
        assertThat(Evaluation.overcommit(v, null)).isNull();
    }

    @Test
    void theProjectSchedulerAndKernelAreTheVariantsOwn() throws IOException {
        GitFixture.assumeGit();
        String head = GitFixture.repo(tmp.resolve("project"), "spec.json", "{}");
        Path binary = Files.writeString(Files.createDirectories(tmp.resolve("bin")).resolve("scx_x"), "abc");
        Path kdir = Files.createDirectories(tmp.resolve("cache/6.14.2-git"));
        Files.writeString(kdir.resolve("metadata.json"),
                "{\"version\": \"6.14.2\", \"source\": {\"type\": \"git\", \"git_hash\": \"abc1234\", \"ref\": \"v6.14.2\"}}");
        Variant v = new Variant("steady", "tiny-2llc", TopologyPresets.get("tiny-2llc"),
                SchedulerChoice.binary(binary, List.of()), kdir.resolve("bzImage"), null, Duration.ofSeconds(2), 256,
                Duration.ofSeconds(20), Thresholds.resolve(ThresholdMode.RELEASE), List.of(), List.of(), "CpuSpin",
                "skipped: no VM needed for these fields", 0).withProjectDir(tmp.resolve("project"));
        SidecarResult s = Evaluation.skipped("r1", v, Instant.EPOCH, null).sidecar();
        assertThat(s.projectCommit()).isEqualTo(head.substring(0, 7));
        assertThat(s.schedulerCommit())
                .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(s.kernelVersion()).isEqualTo("6.14.2");
        assertThat(s.kernelCommit()).isEqualTo("abc1234");
    }
}
