package io.ktstr4j.pipeline.cli;

import io.ktstr4j.pipeline.PlanCompiler;
import io.ktstr4j.pipeline.ScenarioCatalog;

/** Public access to the CLI's scenario-engine bridge (benchmarks and end-to-end tests use the same wiring). */
public final class PlanCompilers {

    private PlanCompilers() {
    }

    public static PlanCompiler scenarioEngine() {
        return ScenarioEngine.compiler();
    }

    public static ScenarioCatalog catalog() {
        return ScenarioEngine.catalog();
    }
}
