package io.ktstr4j.schemas.event;

import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.hoststate.DeltaRow;
import io.ktstr4j.schemas.hoststate.GroupCpu;
import java.util.List;

/**
 * What changed on a host between two captures ({@code host.state_delta}, run_event 1.3), published by
 * {@code ktstr4j host-state diff-watch} on the hoststate topic, keyed by {@link #host()}: a run's before/after pair, or
 * one host's consecutive captures. A standalone event; its id names the pair, so a repeated comparison is dropped.
 *
 * @param host                the host both captures are of (the record key)
 * @param pair                {@code run} (a run's before/after captures) or {@code consecutive}
 * @param runId               the run, for a run pair
 * @param baselineAtUnixNs    when the earlier capture was taken
 * @param candidateAtUnixNs   when the later one was taken
 * @param groupBy             how threads were grouped ({@code pcomm}, {@code cgroup}, {@code comm})
 * @param busiest             groups by CPU used between the captures, most first (groups the watch ignores left out)
 * @param top                 the largest changes, by absolute delta
 * @param onlyBaseline        groups only in the earlier capture (their threads exited)
 * @param onlyCandidate       groups only in the later one (new threads)
 * @param quiet               no group outside the ignored ones used more than the watch's quiet limit of a CPU
 * @param summary             one sentence, e.g. "the host was not quiet during run X: 38 % of a CPU went to kworker/0:1"
 */
public record HostStateDelta(String host, String pair, String runId, long baselineAtUnixNs, long candidateAtUnixNs,
                             String groupBy, List<GroupCpu> busiest, List<DeltaRow> top, List<String> onlyBaseline,
                             List<String> onlyCandidate, boolean quiet, String summary) implements EventBody {
    /** {@link #pair()} of a run's before/after captures. */
    public static final String RUN_PAIR = "run";
    /** {@link #pair()} of one host's consecutive captures. */
    public static final String CONSECUTIVE_PAIR = "consecutive";

    public HostStateDelta {
        Validate.nonBlank("host", host);
        if (!RUN_PAIR.equals(pair) && !CONSECUTIVE_PAIR.equals(pair)) {
            throw new io.ktstr4j.schemas.InvalidFieldException("pair", "'" + pair + "' is neither " + RUN_PAIR
                    + " nor " + CONSECUTIVE_PAIR);
        }
        if (RUN_PAIR.equals(pair)) {
            Validate.nonBlank("run_id", runId);
        }
        Validate.nonBlank("group_by", groupBy);
        busiest = Validate.list("busiest", busiest);
        top = Validate.list("top", top);
        onlyBaseline = Validate.list("only_baseline", onlyBaseline);
        onlyCandidate = Validate.list("only_candidate", onlyCandidate);
        Validate.nonBlank("summary", summary);
    }

    /** The standalone event id: the same pair compared again gets the same id. */
    public String eventId() {
        return "host.state_delta/" + host + "/" + pair + "/" + baselineAtUnixNs + "-" + candidateAtUnixNs;
    }
}
