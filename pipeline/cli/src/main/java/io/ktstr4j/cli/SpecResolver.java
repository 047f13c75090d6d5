package io.ktstr4j.cli;

import io.ktstr4j.pipeline.DefaultPlanCompiler;
import io.ktstr4j.pipeline.ScenarioCatalog;
import io.ktstr4j.pipeline.UnsupportedSpecFields;
import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.spec.SchedulerSpec;
import io.ktstr4j.schemas.spec.TestSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * The file a {@code SPEC} argument names (by its ending: {@code .json}, {@code .yaml}, {@code .yml}, {@code .plan});
     * null for a canned scenario's name.
     */
    static Path specFile(String spec) {
        String lower = spec.toLowerCase(Locale.ROOT);
        boolean file = lower.endsWith(".json") || lower.endsWith(".yaml") || lower.endsWith(".yml")
                || lower.endsWith(".plan");
        return file ? Path.of(spec) : null;
    }

    public TestSpec resolve(String spec) {
        Path p = specFile(spec);
        if (p != null) {
            boolean planFile = spec.toLowerCase(Locale.ROOT).endsWith(".plan");
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("spec file " + p.toAbsolutePath() + " does not exist");
            }
            if (planFile) {
                String name = p.getFileName().toString();
                name = name.substring(0, name.length() - ".plan".length());
                return TestSpec.of(name, DefaultPlanCompiler.PLAN_FILE_PREFIX + p.toAbsolutePath());
            }
            TestSpec read = Json.read(p, TestSpec.class);
            UnsupportedSpecFields.refuse(p.toString(), read);
            return besideTheSpec(p, read);
        }
        if (catalog.names().contains(spec)) {
            return TestSpec.of(spec, spec);
        }
        throw new IllegalArgumentException("'" + spec + "' is neither a spec file (.json, .yaml, .yml, .plan) nor a "
                + "canned scenario" + (catalog.names().isEmpty() ? "" : " (known: " + String.join(", ",
                catalog.names()) + ")") + "; 'ktstr4j list' shows them");
    }

    /**
     * The spec with its host paths made absolute against the spec file's folder (not the working directory), so a
     * spec means the same files wherever {@code ktstr4j} is started: {@code config_file}, {@code extra_include_files},
     * {@code kernel} (a bare name stays bare, a kernel cache key, unless a file of that name is beside the spec), and
     * a path scheduler's {@code binary} (a bare name stays bare, for the {@code <kernel dir>/scx/} lookup, unless a
     * file of that name is beside the spec). Files the spec names must exist.
     */
    static TestSpec besideTheSpec(Path specFile, TestSpec s) {
        Path dir = specFile.toAbsolutePath().normalize().getParent();
        TestSpec.Builder b = s.toBuilder();
        if (s.configFile() != null) {
            b.configFile(existing(specFile, "config_file", dir, s.configFile()));
        }
        List<String> includes = new ArrayList<>();
        for (int i = 0; i < s.extraIncludeFiles().size(); i++) {
            includes.add(existing(specFile, "extra_include_files[" + i + "]", dir, s.extraIncludeFiles().get(i)));
        }
        b.extraIncludeFiles(includes);
        if (s.kernel() != null) {
            Path k = dir.resolve(s.kernel()).normalize();
            if (s.kernel().contains("/") || Files.exists(k)) { // a bare name that is no file beside the spec: a cache key
                b.kernel(k.toString());
            }
        }
        if (s.scheduler() instanceof SchedulerSpec.Path sp) {
            Path bin = dir.resolve(sp.binary()).normalize();
            if (sp.binary().contains("/") || Files.exists(bin)) {
                b.scheduler(new SchedulerSpec.Path(sp.name(), bin.toString(), sp.args()));
            }
        }
        return b.build();
    }

    private static String existing(Path specFile, String field, Path dir, String file) {
        Path p = dir.resolve(file).normalize();
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(specFile + ": " + field + ": no file at " + p
                    + (Path.of(file).isAbsolute() ? "" : " (relative paths are read from the spec's folder)"));
        }
        return p.toString();
    }
}
