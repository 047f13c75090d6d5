package io.ktstr4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.spec.TestSpec;
import io.ktstr4j.schemas.spec.ThresholdMode;
import io.ktstr4j.schemas.verdict.DetailKind;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.schemas.verdict.Reason;
import io.ktstr4j.schemas.verdict.Verdict;
import io.ktstr4j.vmm.plan.RawAgentPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VariantPlannerTest {
    @TempDir
    Path tmp;

    List<Variant> plan(String specJson) {
        TestSpec spec = Json.read(specJson, TestSpec.class, "spec");
        return new VariantPlanner((s, t, d) -> new RawAgentPlan("ktstr4j-plan v1\nend\n")).plan(spec, new VariantPlanner.Overrides(
                List.of("tiny-1llc"), null, List.of(), Duration.ofSeconds(1), 256L, Duration.ofSeconds(10),
                ThresholdMode.RELEASE, Path.of("/k/bzImage"), List.of()));
    }

    @Test
    void configAndExtraIncludeFilesGoToTheGuestAndExpectErrIsCarried() throws Exception {
        Path conf = Files.writeString(tmp.resolve("sched.toml"), "x = 1\n");
        Path data = Files.writeString(tmp.resolve("data.bin"), "d");
        Variant v = plan("{\"name\":\"t\",\"scenario\":\"steady\",\"config_file\":\"" + conf + "\","
                + "\"extra_include_files\":[\"" + data + "\"],\"expect_err\":true}").get(0);
        assertThat(v.includeFiles()).containsExactly(conf, data);
        assertThat(v.expectErr()).isTrue();
        assertThat(plan("{\"name\":\"t\",\"scenario\":\"steady\"}").get(0).expectErr()).isFalse();
    }

    @Test
    void aKernelBuiltinSchedulerRunsItsLinesWithBusyboxInTheGuest() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(Path.of("/bin/busybox")),
                "busybox-static not installed");
        Variant v = plan("{\"name\":\"t\",\"scenario\":\"steady\",\"scheduler\":{\"kind\":\"kernel_builtin\","
                + "\"name\":\"stats-on\",\"enable\":[\"echo 1 > /proc/sys/kernel/sched_schedstats\"],"
                + "\"disable\":[\"echo 0 > /proc/sys/kernel/sched_schedstats\"]}}").get(0);
        assertThat(v.key()).isEqualTo("t/tiny-1llc/stats-on");
        assertThat(v.scheduler().isSchedExt()).as("no sched_ext binary: the sched_ext checks do not apply").isFalse();
        assertThat(v.scheduler().builtin().shell()).isEqualTo(Path.of("/bin/busybox"));
        assertThat(v.scheduler().builtin().enable()).containsExactly("echo 1 > /proc/sys/kernel/sched_schedstats");
        assertThat(v.scheduler().builtin().disable()).containsExactly("echo 0 > /proc/sys/kernel/sched_schedstats");
    }

    @Test
    void relativeToRunsTheBaselineFirstOnEachTopologyAndJudgesTheOthersAgainstIt() {
        List<Variant> vs = plan("{\"name\":\"t\",\"scenario\":\"steady\",\"relative_to\":{\"scheduler\":"
                + "\"/bin/true\",\"min_ratio\":{\"total_iterations\":1.3}}}");
        assertThat(vs).hasSize(2);
        assertThat(vs.get(0).relation()).isInstanceOf(VariantRelation.Baseline.class);
        assertThat(vs.get(0).scheduler().binary()).isEqualTo(Path.of("/bin/true"));
        assertThat(vs.get(0).expectErr()).isFalse();
        assertThat(vs.get(1).scheduler().name()).isEqualTo("eevdf");
        assertThat(vs.get(1).relation()).isEqualTo(new VariantRelation.JudgedAgainst(vs.get(0).key(),
                new io.ktstr4j.schemas.spec.RelativeTo("/bin/true", java.util.Map.of("total_iterations", 1.3), null)));
    }

    @Test
    void aBaselineThatIsTheSchedulerUnderTestOrCannotBeFoundOrAnUnknownMetricIsRefusedByField() {
        assertThatThrownBy(() -> plan("{\"name\":\"t\",\"scenario\":\"steady\",\"relative_to\":{"
                + "\"scheduler\":\"eevdf\",\"min_ratio\":{\"total_iterations\":1.3}}}"))
                .hasMessage("relative_to.scheduler: 'eevdf' is the scheduler under test (eevdf); name a different "
                        + "baseline");
        assertThatThrownBy(() -> plan("{\"name\":\"t\",\"scenario\":\"steady\",\"relative_to\":{"
                + "\"scheduler\":\"scx_nowhere\",\"min_ratio\":{\"total_iterations\":1.3}}}"))
                .hasMessageStartingWith("relative_to.scheduler: 'scx_nowhere' is neither");
        assertThatThrownBy(() -> plan("{\"name\":\"t\",\"scenario\":\"steady\",\"relative_to\":{"
                + "\"scheduler\":\"/bin/true\",\"max_ratio\":{\"iterations\":1.3}}}"))
                .hasMessage("relative_to.max_ratio.iterations: 'iterations' is not a metric of the registry "
                        + "(ktstr4j stats list-metrics lists them)");
    }

    @Test
    void missingOrClashingIncludeFilesAreRefusedByField() throws Exception {
        assertThatThrownBy(() -> plan("{\"name\":\"t\",\"scenario\":\"steady\",\"config_file\":\""
                + tmp.resolve("nope.toml") + "\"}")).hasMessageContaining("config_file: no file at")
                .hasMessageContaining("nope.toml");
        Files.createDirectories(tmp.resolve("a"));
        Path one = Files.writeString(tmp.resolve("same.txt"), "1");
        Path two = Files.writeString(tmp.resolve("a/same.txt"), "2");
        assertThatThrownBy(() -> plan("{\"name\":\"t\",\"scenario\":\"steady\",\"extra_include_files\":[\"" + one
                + "\",\"" + two + "\"]}")).hasMessageContaining("two files are named same.txt");
        assertThatThrownBy(() -> plan("{\"name\":\"t\",\"scenario\":\"steady\",\"extra_include_files\":[\""
                + tmp + "\"]}")).hasMessageContaining("extra_include_files[0]: no file at");
    }

    @Test
    void sidecarKvmStatsAreEachVcpusLastCounters() {
        java.util.function.BiFunction<Long, java.util.Map<String, Long>, io.ktstr4j.schemas.monitor.CpuSnapshot> cpu =
                (clk, k) -> new io.ktstr4j.schemas.monitor.CpuSnapshot(1, 0, 0, clk, 0, null, null, null, null, k);
        var s1 = new io.ktstr4j.schemas.event.MonitorSample(100, List.of(cpu.apply(1L, java.util.Map.of("exits", 10L)),
                cpu.apply(1L, java.util.Map.of("exits", 20L))), null);
        var s2 = new io.ktstr4j.schemas.event.MonitorSample(200, List.of(cpu.apply(2L, java.util.Map.of("exits", 15L)),
                cpu.apply(2L, null)), null);
        assertThat(Evaluation.kvmTotals(List.of(s1, s2)).perVcpu()).containsExactly(java.util.Map.of("exits", 15L),
                java.util.Map.of("exits", 20L));
        assertThat(Evaluation.kvmTotals(List.of(new io.ktstr4j.schemas.event.MonitorSample(100,
                List.of(cpu.apply(1L, null)), null)))).isNull();
        assertThat(Evaluation.kvmTotals(List.of())).isNull();
    }

    @Test
    void expectErrTurnsAFailIntoAPassAndAPassIntoAFail() {
        Verdict fail = new Verdict(Outcome.FAIL, List.of(new Reason(DetailKind.STARVED, "starved: tid 7")), null);
        Verdict pass = new Verdict(Outcome.PASS, List.of(), null);
        Verdict error = new Verdict(Outcome.ERROR, List.of(new Reason(DetailKind.INFRASTRUCTURE, "no kvm")), null);
        assertThat(Evaluation.expected(fail, false)).isSameAs(fail);
        Verdict ok = Evaluation.expected(fail, true);
        assertThat(ok.outcome()).isEqualTo(Outcome.PASS);
        assertThat(ok.reasons()).containsExactly(new Reason(DetailKind.STARVED, "expected (expect_err): starved: tid 7"));
        assertThat(Evaluation.expected(pass, true).outcome()).isEqualTo(Outcome.FAIL);
        assertThat(Evaluation.expected(pass, true).reasons().get(0).message()).contains("expected to fail but passed");
        assertThat(Evaluation.expected(error, true)).isSameAs(error);
    }
}
