package io.ktstr4j.pipeline.checks;

/** A monitor condition that has just held for the sustained number of samples (emitted once per episode). */
public record MonitorViolation(String check, long elapsedMs, int cpu, double value, double limit, String message) {
}
