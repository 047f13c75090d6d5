package io.ktstr4j.stats;

import java.util.Map;

/**
 * A variant that one project commit and kernel gave different conclusions.
 *
 * @param variant       the variant: test name and its dimensions, as a pairing key reads
 * @param projectCommit the project commit
 * @param kernel        the kernel
 * @param runs          the runs it ran in
 * @param outcomes      how many trials ended in each outcome
 */
public record FlakyVariant(String variant, String projectCommit, String kernel, int runs,
                           Map<String, Integer> outcomes) {
}
