package io.ktstr4j.stats;

import io.ktstr4j.schemas.report.Polarity;

/**
 * One metric of one paired variant, A against B.
 *
 * @param metric    the metric's name
 * @param polarity  which direction is better
 * @param unit      display unit
 * @param a         side A's values
 * @param b         side B's values
 * @param delta     {@code b.mean - a.mean}
 * @param relDelta  {@code |delta| / |a.mean|} (infinite when A is 0 and B is not)
 * @param absGate   the absolute gate
 * @param relGate   the relative gate (a fraction)
 * @param pastGates the delta passes both gates
 * @param pValue    Welch's two-sided p-value, null when a side has fewer trials than the options ask
 * @param pAdjusted the p-value after the correction across this variant's tested metrics, null when untested
 * @param finding   what it amounts to
 */
public record MetricComparison(String metric, Polarity polarity, String unit, SideStats a, SideStats b, double delta,
                               double relDelta, double absGate, double relGate, boolean pastGates, Double pValue,
                               Double pAdjusted, Finding finding) {
}
