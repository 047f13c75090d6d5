package io.ktstr4j.schemas.plan;

import io.ktstr4j.schemas.Validate;
import java.util.List;

/**
 * One step of a scenario (ktstr {@code Step}): apply {@code ops}, then create {@code setup} cgroups, then hold.
 *
 * @param setup cgroups created by this step (ktstr {@code Setup::Defs}); removed when the step ends
 * @param ops   changes applied first
 * @param hold  how long to hold (default the full duration)
 */
public record Step(List<CgroupDef> setup, List<Op> ops, HoldSpec hold) {
    public Step {
        setup = Validate.list("setup", setup);
        ops = Validate.list("ops", ops);
        if (hold == null) hold = HoldSpec.FULL;
    }

    /** The stimulus {@code op_kinds} bitmask of this step's ops. */
    public long opKindsMask() {
        return OpKind.mask(ops.stream().map(Op::kind).toList());
    }

    public static Step of(List<CgroupDef> setup, HoldSpec hold) {
        return new Step(setup, List.of(), hold);
    }
}
