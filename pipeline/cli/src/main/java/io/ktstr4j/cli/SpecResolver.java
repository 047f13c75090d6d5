package io.ktstr4j.cli;

import io.ktstr4j.pipeline.DefaultPlanCompiler;
import io.ktstr4j.pipeline.ScenarioCatalog;
import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.spec.TestSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@code SPEC} on the command line means: a test spec file (.json/.yaml/.yml), a raw agent plan file (.plan,
 * run with the default spec), or the name of a canned scenario.
 */
public final class SpecResolver {

    private final ScenarioCatalog catalog;

    public SpecResolver(ScenarioCatalog catalog) {
        this.catalog = catalog;
    }

    public TestSpec resolve(String spec) {
        String lower = spec.toLowerCase(Locale.ROOT);
        boolean specFile = lower.endsWith(".json") || lower.endsWith(".yaml") || lower.endsWith(".yml");
        boolean planFile = lower.endsWith(".plan");
        if (specFile || planFile) {
            Path p = Path.of(spec);
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("spec file " + p.toAbsolutePath() + " does not exist");
            }
            if (planFile) {
                String name = p.getFileName().toString();
                name = name.substring(0, name.length() - ".plan".length());
                return TestSpec.of(name, DefaultPlanCompiler.PLAN_FILE_PREFIX + p.toAbsolutePath());
            }
            return Json.read(p, TestSpec.class);
        }
        if (catalog.names().contains(spec)) {
            return TestSpec.of(spec, spec);
        }
        throw new IllegalArgumentException("'" + spec + "' is neither a spec file (.json, .yaml, .yml, .plan) nor a "
                + "canned scenario" + (catalog.names().isEmpty() ? "" : " (known: " + String.join(", ",
                catalog.names()) + ")") + "; 'ktstr4j list' shows them");
    }
}
