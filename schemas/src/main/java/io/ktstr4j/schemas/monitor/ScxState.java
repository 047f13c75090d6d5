package io.ktstr4j.schemas.monitor;

/**
 * sched_ext's global state at a snapshot.
 *
 * @param ops          the attached scheduler's ops name, or null when none is attached
 * @param enableState  {@code scx_enable_state} name (e.g. {@code SCX_ENABLED})
 * @param bypassDepth  {@code scx_bypass_depth}
 * @param watchdogTimeoutJiffies the effective watchdog timeout
 */
public record ScxState(String ops, String enableState, Long bypassDepth, Long watchdogTimeoutJiffies) {}
