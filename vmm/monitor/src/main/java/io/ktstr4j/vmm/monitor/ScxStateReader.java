package io.ktstr4j.vmm.monitor;

import io.ktstr4j.schemas.monitor.ScxState;
import java.util.Map;
import java.util.Optional;

/**
 * sched_ext's global state from kernel symbols: the attached ops name, the enable state (an enum name from BTF),
 * the bypass depth and the watchdog timeout. Handles 6.12 ({@code scx_ops}, {@code scx_ops_enable_state_var}) and
 * newer kernels ({@code scx_root}, {@code scx_enable_state_var}).
 */
final class ScxStateReader {

    private final GuestKernel kernel;
    private final SymbolMap syms;
    private final Btf btf;
    private final String stateVar;
    private final Map<Long, String> stateNames;

    ScxStateReader(GuestKernel kernel) {
        this.kernel = kernel;
        this.syms = kernel.symbols();
        this.btf = kernel.btf();
        if (syms.has("scx_enable_state_var")) {
            stateVar = "scx_enable_state_var";
            stateNames = btf.enumValues("scx_enable_state");
        } else if (syms.has("scx_ops_enable_state_var")) {
            stateVar = "scx_ops_enable_state_var";
            stateNames = btf.enumValues("scx_ops_enable_state");
        } else {
            stateVar = null;
            stateNames = Map.of();
        }
    }

    /** False when this kernel has no sched_ext at all. */
    boolean supported() {
        return stateVar != null;
    }

    /** The enable state name, e.g. {@code SCX_OPS_ENABLED}, or null when unknown. */
    String enableState() {
        if (stateVar == null) {
            return null;
        }
        long v = kernel.space().u32(syms.require(stateVar)) & 0xffffffffL;
        return stateNames.getOrDefault(v, "UNKNOWN(" + v + ")");
    }

    boolean enabled() {
        String s = enableState();
        return s != null && (s.endsWith("_ENABLED") || s.endsWith("_ENABLING"));
    }

    /** Null when the kernel has no sched_ext. */
    ScxState read() {
        if (!supported()) {
            return null;
        }
        GuestAddressSpace as = kernel.space();
        String state = enableState();
        String ops = null;
        Long bypass = null;
        Long watchdog = null;
        Optional<Btf.Field> rootOps = btf.tryField("scx_sched.ops.name");
        if (syms.has("scx_root") && rootOps.isPresent()) {
            long sch = as.u64(syms.require("scx_root"));
            if (sch != 0) {
                ops = as.cString(sch + rootOps.get().offset(), 128);
                bypass = btf.tryField("scx_sched.bypass_depth").map(f -> (long) as.u32(sch + f.offset())).orElse(null);
                watchdog = btf.tryField("scx_sched.watchdog_timeout").map(f -> as.u64(sch + f.offset())).orElse(null);
            }
        } else if (syms.has("scx_ops")) {
            Optional<Btf.Field> name = btf.tryField("sched_ext_ops.name");
            if (name.isPresent()) {
                ops = as.cString(syms.require("scx_ops") + name.get().offset(), 128);
            }
        }
        for (String s : new String[] {"scx_bypass_depth", "scx_ops_bypass_depth"}) {
            if (bypass == null && syms.has(s)) {
                bypass = (long) as.u32(syms.require(s));
            }
        }
        if (watchdog == null && syms.has("scx_watchdog_timeout")) {
            watchdog = as.u64(syms.require("scx_watchdog_timeout"));
        }
        boolean attached = state != null && (state.endsWith("_ENABLED") || state.endsWith("_ENABLING"));
        return new ScxState(attached && ops != null && !ops.isEmpty() ? ops : null, state, bypass, watchdog);
    }
}
