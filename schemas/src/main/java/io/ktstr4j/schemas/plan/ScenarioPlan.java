package io.ktstr4j.schemas.plan;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonAppend;
import io.ktstr4j.schemas.InvalidFieldException;
import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.Versioned;
import io.ktstr4j.schemas.WithExtra;
import io.ktstr4j.schemas.json.SchemaPropertyWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A scenario as data: the guest agent executes it step by step.
 *
 * @param name        scenario name (e.g. {@code steady})
 * @param description one line for listings (optional)
 * @param durationMs  total scenario time; null = the test spec's duration
 * @param backdrop    cgroups that persist across all steps (ktstr {@code Backdrop})
 * @param steps       the steps, at least one
 * @param extra       unknown fields from a newer minor version, kept
 */
@JsonAppend(prepend = true, props = @JsonAppend.Prop(value = SchemaPropertyWriter.class, name = "schema"))
@Versioned(name = "ktstr4j.scenario_plan", major = 1, minor = 0)
public record ScenarioPlan(String name, String description, Long durationMs, List<CgroupDef> backdrop,
                           List<Step> steps,
                           @JsonAnySetter @JsonAnyGetter @JsonInclude(JsonInclude.Include.NON_EMPTY)
                           Map<String, Object> extra) implements WithExtra {
    public ScenarioPlan {
        Validate.nonBlank("name", name);
        if (durationMs != null) Validate.atLeast("duration_ms", durationMs, 1);
        backdrop = Validate.list("backdrop", backdrop);
        steps = Validate.list("steps", steps);
        if (steps.isEmpty()) throw new InvalidFieldException("steps", "must have at least one step");
        extra = Validate.map(extra);
        checkNames(backdrop, steps);
    }

    public ScenarioPlan(String name, String description, Long durationMs, List<CgroupDef> backdrop, List<Step> steps) {
        this(name, description, durationMs, backdrop, steps, Map.of());
    }

    /** A plan with one step holding the given cgroups for the full duration (ktstr {@code execute_defs}). */
    public static ScenarioPlan ofDefs(String name, List<CgroupDef> defs) {
        return new ScenarioPlan(name, null, null, List.of(), List.of(Step.of(defs, HoldSpec.FULL)));
    }

    /**
     * Static name checks. Step cgroups are torn down when their step ends (only the backdrop persists), so a name
     * must be unique within the backdrop plus one step, and a parent must be defined earlier in that scope.
     */
    private static void checkNames(List<CgroupDef> backdrop, List<Step> steps) {
        Set<String> persistent = new HashSet<>();
        for (int i = 0; i < backdrop.size(); i++) define(persistent, backdrop.get(i), "backdrop[" + i + "].name");
        for (int s = 0; s < steps.size(); s++) {
            Step step = steps.get(s);
            Set<String> live = new HashSet<>(persistent);
            for (Op op : step.ops()) if (op instanceof Op.AddCgroup a) live.add(a.name());
            for (int i = 0; i < step.setup().size(); i++)
                define(live, step.setup().get(i), "steps[" + s + "].setup[" + i + "].name");
        }
    }

    private static void define(Set<String> live, CgroupDef def, String field) {
        String parent = def.parent();
        if (parent != null && !live.contains(parent))
            throw new InvalidFieldException(field, "'" + def.name() + "' needs its parent '" + parent
                    + "' defined earlier");
        if (!live.add(def.name()))
            throw new InvalidFieldException(field, "'" + def.name() + "' is already defined");
    }
}
