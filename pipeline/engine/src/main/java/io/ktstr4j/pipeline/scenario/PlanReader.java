package io.ktstr4j.pipeline.scenario;

import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.plan.ScenarioPlan;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads scenario plans: a JSON (or YAML) file, JSON text, or the name of a canned scenario. Errors are
 * {@link io.ktstr4j.schemas.SchemaException}s naming the file and JSON path, e.g.
 * {@code plan.json: steps[1].ops[0].cpuset.start_frac: 1.5 is outside [0, 1]}.
 */
public final class PlanReader {
    private PlanReader() {}

    public static ScenarioPlan read(Path file) {
        return Json.read(file, ScenarioPlan.class);
    }

    public static ScenarioPlan parse(String json, String source) {
        return Json.read(json, ScenarioPlan.class, source);
    }

    /** A path to an existing file, else a canned scenario name. */
    public static ScenarioPlan fileOrCanned(String arg) {
        Path p = Path.of(arg);
        if (Files.isRegularFile(p)) return read(p);
        return ScenarioLibrary.load(arg);
    }
}
