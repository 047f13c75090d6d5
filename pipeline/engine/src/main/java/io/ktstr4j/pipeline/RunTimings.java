package io.ktstr4j.pipeline;

/**
 * Where the wall time of one variant went, in ms (-1 = that phase did not happen).
 *
 * @param prepareMs    initramfs build and VM creation before boot
 * @param bootToInitMs VM start to the guest's first init stage
 * @param scenarioMs   SCENARIO_START to SCENARIO_END on the guest's clock (as the host saw them when the guest did
 *                     not report its elapsed time)
 * @param teardownMs   scenario end to the VM being closed
 * @param evaluationMs VM closed to the verdict/result being ready
 * @param wallMs       the whole variant
 */
public record RunTimings(long prepareMs, long bootToInitMs, long scenarioMs, long teardownMs, long evaluationMs,
                         long wallMs) {

    /** Harness overhead as the issue defines it: wall − boot-to-init − scenario (null when either is unknown). */
    public Long overheadMs() {
        if (bootToInitMs < 0 || scenarioMs < 0) {
            return null;
        }
        return wallMs - bootToInitMs - scenarioMs;
    }
}
