package io.ktstr4j.schemas.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.monitor.BpfMapValue;
import io.ktstr4j.schemas.monitor.CpuSnapshot;
import io.ktstr4j.schemas.monitor.ScxState;
import java.util.List;

/**
 * A periodic (or on-demand) freeze of the guest: per-CPU state, sched_ext state and BPF maps.
 *
 * @param index     0-based snapshot number within the run
 * @param elapsedMs ms since the VM started, at the moment the guest was frozen (the state the snapshot shows)
 * @param freezeNs  how long the vCPUs were paused to take it
 * @param cpus      per-CPU run-queue state
 * @param scx       sched_ext global state, null when sched_ext is not active
 * @param bpfMaps   maps read (typed fields or raw hex)
 * @param incomplete why part of the snapshot is missing, starting with {@code budget_exceeded:} when the snapshot's
 *                   time or byte budget ran out (the guest was thawed and what was read by then is kept); omitted
 *                   when the snapshot is complete
 */
public record Snapshot(int index, long elapsedMs, long freezeNs, List<CpuSnapshot> cpus, ScxState scx,
                       List<BpfMapValue> bpfMaps, @JsonInclude(JsonInclude.Include.NON_NULL) String incomplete)
        implements EventBody {
    public Snapshot {
        Validate.nonNegative("index", index);
        cpus = Validate.list("cpus", cpus);
        bpfMaps = Validate.list("bpf_maps", bpfMaps);
    }

    /** A complete snapshot. */
    public Snapshot(int index, long elapsedMs, long freezeNs, List<CpuSnapshot> cpus, ScxState scx,
                    List<BpfMapValue> bpfMaps) {
        this(index, elapsedMs, freezeNs, cpus, scx, bpfMaps, null);
    }
}
