package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.sidecar.SidecarResult;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The results of the baseline variants that have finished, per run, for the variants judged against them. Only
 * variants marked {@link VariantRelation.Baseline} are kept: one per topology of a spec with {@code relative_to}.
 */
final class Baselines implements Evaluation.BaselineLookup {

    private final Map<String, SidecarResult> results = new ConcurrentHashMap<>();

    /** Keeps {@code result} when {@code v} is a baseline. */
    void offer(String runId, Variant v, SidecarResult result) {
        if (v.relation() instanceof VariantRelation.Baseline) {
            results.put(key(runId, v.key()), result);
        }
    }

    @Override
    public Optional<SidecarResult> find(String runId, String variantKey) {
        return Optional.ofNullable(results.get(key(runId, variantKey)));
    }

    private static String key(String runId, String variantKey) {
        return runId + '\n' + variantKey;
    }
}
