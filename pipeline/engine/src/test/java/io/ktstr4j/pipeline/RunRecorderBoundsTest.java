package io.ktstr4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.pipeline.checks.CgroupReports;
import io.ktstr4j.schemas.event.ChannelError;
import io.ktstr4j.schemas.event.ConsoleLine;
import io.ktstr4j.schemas.event.GuestCrash;
import io.ktstr4j.schemas.event.PayloadMetricsReport;
import io.ktstr4j.schemas.event.Stimulus;
import io.ktstr4j.schemas.event.WorkerReports;
import io.ktstr4j.schemas.report.Metric;
import io.ktstr4j.schemas.report.PayloadMetrics;
import io.ktstr4j.schemas.report.WorkerReport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Defect 3 of issue 16: whatever a guest floods the run with, the recorder keeps at most its documented caps and
 * counts the rest ({@link RunRecorder#discarded()}, emitted as {@code run.dropped} stage {@code recorder}).
 */
class RunRecorderBoundsTest {

    static final String LINE_64K = "x".repeat(64 * 1024 - 1);

    static long chars(List<String> lines) {
        return lines.stream().mapToLong(String::length).sum();
    }

    static WorkerReport reportWithLatencies(int tid, List<Long> latencies) {
        return WorkerReport.builder().tid(tid).workUnits(1000).cpuTimeNs(1).wallTimeNs(1).cpusUsed(List.of(0))
                .resumeLatenciesNs(latencies).completed(true).build();
    }

    @Test
    void twentyThousandConsoleLinesOf64KiBKeepAtMostTheByteCap() {
        RunRecorder rec = new RunRecorder();
        for (int i = 0; i < 20_000; i++) {
            rec.observe(new ConsoleLine(i % 2 == 0 ? ConsoleLine.COM1 : ConsoleLine.COM2, i, LINE_64K));
        }
        assertThat(2 * chars(rec.consoleLines())).isLessThanOrEqualTo(RunRecorder.MAX_CONSOLE_BYTES);
        assertThat(rec.consoleLines()).hasSizeGreaterThan(50); // the newest lines, as many as fit
        assertThat(2 * chars(rec.com2Lines())).isLessThanOrEqualTo(RunRecorder.MAX_CONSOLE_BYTES);
        assertThat(rec.com2Lines()).hasSizeGreaterThan(50);
        assertThat(rec.discarded()).as("COM2 lines not kept").isEqualTo(10_000 - rec.com2Lines().size());
    }

    @Test
    void stimuliMetricsAndChannelErrorsAreCappedAndCounted() {
        RunRecorder rec = new RunRecorder();
        for (int i = 0; i < 50_000; i++) {
            rec.observe(new Stimulus(i, 0, 1, 1, 1, 1, i));
            rec.observe(new ChannelError("crc_mismatch", "detail " + i, i));
            rec.observe(new PayloadMetricsReport(new PayloadMetrics(0, List.of(new Metric("m", 1.0, null, null,
                    Metric.Source.JSON, Metric.Stream.STDOUT)), 0)));
        }
        assertThat(rec.stimuli()).hasSize(RunRecorder.MAX_STIMULI);
        assertThat(rec.stimuli().get(0).elapsedMs()).as("the first are kept").isZero();
        assertThat(rec.channelErrors()).hasSize(RunRecorder.MAX_CHANNEL_ERRORS);
        assertThat(rec.metrics()).hasSize(RunRecorder.MAX_METRICS);
        assertThat(rec.discarded()).isEqualTo(3 * 50_000L - RunRecorder.MAX_STIMULI - RunRecorder.MAX_CHANNEL_ERRORS
                - RunRecorder.MAX_METRICS);
    }

    @Test
    void resumeLatenciesAreCutToTheDocumentedReservoirAndReportsToTheByteCap() {
        RunRecorder rec = new RunRecorder();
        List<Long> tooMany = LongStream.range(0, 150_000).boxed().toList();
        rec.observe(new WorkerReports("cg0", List.of(reportWithLatencies(1, tooMany))));
        List<CgroupReports> cg = rec.cgroups();
        assertThat(cg.get(0).workers().get(0).resumeLatenciesNs()).hasSize(WorkerReport.MAX_WAKE_SAMPLES)
                .startsWith(0L, 1L, 2L);
        assertThat(rec.discarded()).isEqualTo(50_000);

        // A thousand full reservoirs (the same list: cheap to send here, 2.4 MB each to keep)
        List<Long> full = new ArrayList<>(Collections.nCopies(WorkerReport.MAX_WAKE_SAMPLES, 5L));
        for (int i = 0; i < 1000; i++) {
            rec.observe(new WorkerReports("cg" + (i % 7), List.of(reportWithLatencies(i, full))));
        }
        long kept = rec.cgroups().stream().mapToLong(c -> c.workers().size()).sum();
        long keptLatencies = rec.cgroups().stream().flatMap(c -> c.workers().stream())
                .mapToLong(w -> w.resumeLatenciesNs().size()).sum();
        assertThat(keptLatencies * EventWeight.ENTRY).isLessThanOrEqualTo(RunRecorder.MAX_WORKER_BYTES);
        assertThat(kept).isBetween(2L, 1001L - 1);
        assertThat(rec.discarded()).isEqualTo(50_000 + 1001 - kept);
    }

    @Test
    void aHugeCgroupNameOrCrashTextIsCut() {
        RunRecorder rec = new RunRecorder();
        String huge = "c".repeat(4 << 20);
        rec.observe(new WorkerReports(huge, List.of(reportWithLatencies(1, List.of()))));
        rec.observe(new GuestCrash(huge));
        assertThat(rec.cgroups().get(0).cgroup()).hasSize(RunRecorder.MAX_CGROUP_NAME + 1);
        assertThat(rec.crash()).hasSize(RunRecorder.MAX_TEXT + 1);
    }

    @Test
    void theDocumentedBoundAddsUp() {
        assertThat(RunRecorder.MAX_GUEST_BYTES).isBetween(80L << 20, 100L << 20);
    }
}
