package io.ktstr4j.schemas.event;

import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.monitor.BpfMapValue;
import io.ktstr4j.schemas.monitor.CpuSnapshot;
import io.ktstr4j.schemas.monitor.ScxState;
import java.util.List;

/**
 * A periodic (or on-demand) freeze of the guest: per-CPU state, sched_ext state and BPF maps.
 *
 * @param index     0-based snapshot number within the run
 * @param elapsedMs ms since the VM started
 * @param freezeNs  how long the vCPUs were paused to take it
 * @param cpus      per-CPU run-queue state
 * @param scx       sched_ext global state, null when sched_ext is not active
 * @param bpfMaps   maps read (typed fields or raw hex)
 */
public record Snapshot(int index, long elapsedMs, long freezeNs, List<CpuSnapshot> cpus, ScxState scx,
                       List<BpfMapValue> bpfMaps) implements EventBody {
    public Snapshot {
        Validate.nonNegative("index", index);
        cpus = Validate.list("cpus", cpus);
        bpfMaps = Validate.list("bpf_maps", bpfMaps);
    }
}
