package io.ktstr4j.vmm.monitor;

/**
 * A monitor condition that has just held for the sustained number of samples (emitted once per episode).
 *
 * @param check one of the {@link ViolationDetector} check names
 * @param cpu   the CPU it concerns, -1 for whole-machine checks (imbalance, event rates)
 */
public record MonitorViolation(String check, long elapsedMs, int cpu, double value, double limit, String message) {
}
