package io.ktstr4j.regressions;

import io.ktstr4j.schemas.event.AnalysisStatus;
import io.ktstr4j.schemas.event.AnalysisSummary;
import io.ktstr4j.schemas.event.MetricRegression;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.stats.CompareEngine;
import io.ktstr4j.stats.CompareOptions;
import io.ktstr4j.stats.CompareReport;
import io.ktstr4j.stats.Dimension;
import io.ktstr4j.stats.Finding;
import io.ktstr4j.stats.MetricComparison;
import io.ktstr4j.stats.PairComparison;
import io.ktstr4j.stats.Trial;
import io.ktstr4j.stats.TrialFilter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One result against its variant's baseline, through the stats engine ({@link CompareEngine}; no second comparison
 * here): pure, so the topology's processor only loads and stores the window.
 *
 * <p>The variant is the engine's pairing key with the dimensions that slice left out: those the baseline filter names
 * (its values are the baseline's by definition) and the commits, which are what a watch judges (a new commit against
 * the last results of the old ones). Everything else pairs: a TCG result never meets a KVM baseline.
 */
final class BaselineComparison {
    private final TrialFilter baseline;
    private final List<Dimension> slicing;
    private final CompareEngine.PairingKeys keys;
    private final CompareOptions options;
    private final int window;

    BaselineComparison(TrialFilter baseline, CompareOptions options, int window) {
        this.baseline = baseline;
        this.slicing = slicing(baseline);
        this.keys = CompareEngine.pairingKeys(slicing);
        this.options = options;
        this.window = window;
    }

    /** The dimensions that do not pair: the commits and the ones the baseline filter names. */
    static List<Dimension> slicing(TrialFilter baseline) {
        Set<Dimension> s = new LinkedHashSet<>(List.of(Dimension.PROJECT_COMMIT, Dimension.KERNEL_COMMIT));
        s.addAll(baseline.dims().keySet());
        return List.copyOf(s);
    }

    /** The record key and the name in events: the pairing key as the engine writes it. */
    String variant(Trial t) {
        return keys.label(t);
    }

    /** The state store key: the full pairing key (with the variant's payload, sysctls and kargs). */
    String storeKey(Trial t) {
        return keys.key(t);
    }

    /** What the watch publishes for one result, and the baseline after it. */
    record Judged(AnalysisStatus status, List<RunEvent> events, int regressions, BaselineWindow next) {
    }

    Judged judge(SidecarResult r, Trial t, BaselineWindow w, Instant at) {
        String variant = variant(t);
        String resultId = AnalysisIds.resultId(r);
        boolean joins = t.counts() && baseline.matches(t);
        AnalysisSummary.Builder summary = AnalysisSummary.builder()
                .result(variant, resultId, r.runId(), r.variantKey(), r.testName(), t.outcome())
                .commits(t.dim(Dimension.PROJECT_COMMIT), t.dim(Dimension.KERNEL_COMMIT))
                .baseline(baseline.label(), w.runs(), Map.of())
                .joinedBaseline(joins);
        List<RunEvent> events = new ArrayList<>();
        AnalysisStatus status;
        if (!t.counts()) {
            status = AnalysisStatus.NOT_PASSED;
        } else if (w.isEmpty()) {
            status = AnalysisStatus.NO_BASELINE;
        } else {
            status = AnalysisStatus.COMPARED;
            CompareReport report = CompareEngine.compare(w.trials(), List.of(t), slicing, baseline.label(), "result",
                    options);
            // Same key on both sides: one pair, unless nothing pairs (a window from an older key scheme).
            PairComparison pair = report.pairs().isEmpty() ? null : report.pairs().get(0);
            List<String> regressed = new ArrayList<>();
            List<String> improved = new ArrayList<>();
            List<String> noise = new ArrayList<>();
            int compared = 0;
            if (pair != null) {
                compared = pair.metrics().size();
                for (MetricComparison m : pair.metrics()) {
                    if (m.finding() == Finding.REGRESSION) {
                        regressed.add(m.metric());
                        events.add(RunEvent.standalone(AnalysisIds.regression(resultId, m.metric()), 0, at,
                                regression(variant, resultId, r, m)));
                    } else if (m.finding() == Finding.IMPROVEMENT) {
                        improved.add(m.metric());
                    } else if (m.finding() == Finding.NOISE) {
                        noise.add(m.metric());
                    }
                }
                summary.baseline(baseline.label(), w.runs(), pair.commitsA());
            }
            summary.findings(compared, regressed, improved, noise);
        }
        events.add(RunEvent.standalone(AnalysisIds.summary(resultId), 0, at, summary.status(status).build()));
        return new Judged(status, events, events.size() - 1, joins ? w.with(r, window) : w);
    }

    private MetricRegression regression(String variant, String resultId, SidecarResult r, MetricComparison m) {
        Double rel = Double.isFinite(m.relDelta()) ? m.relDelta() : null;
        return new MetricRegression(variant, resultId, r.runId(), r.variantKey(), r.testName(), m.metric(), m.unit(),
                baseline.label(), m.a().n(), m.a().mean(), m.a().sd(), m.b().mean(), m.delta(), rel, m.absGate(),
                m.relGate());
    }
}
