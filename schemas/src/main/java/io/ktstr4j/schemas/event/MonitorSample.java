package io.ktstr4j.schemas.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.monitor.CpuSnapshot;
import io.ktstr4j.schemas.monitor.ProgRuntimeStats;
import java.util.List;

/**
 * One host-side reading of every vCPU's run queue (ktstr {@code MonitorSample}), about every 100 ms.
 *
 * @param elapsedMs ms since the VM started
 * @param cpus      one entry per vCPU, in CPU order
 * @param progStats BPF program runtime stats, omitted when not read
 */
// Read on its own (a ktstr file), the record has no "type" field; inside a RunEvent the body's "type" still applies.
@com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NONE)
public record MonitorSample(long elapsedMs, List<CpuSnapshot> cpus,
                            @JsonInclude(JsonInclude.Include.NON_NULL) List<ProgRuntimeStats> progStats)
        implements EventBody {
    public MonitorSample {
        cpus = Validate.list("cpus", cpus);
        progStats = Validate.optionalList("prog_stats", progStats);
    }

    /** max(nr_running) / max(1, min(nr_running)) across CPUs; 1.0 for an empty sample. */
    public double imbalanceRatio() {
        if (cpus.isEmpty()) return 1.0;
        long max = cpus.stream().mapToLong(CpuSnapshot::nrRunning).max().orElse(0);
        long min = cpus.stream().mapToLong(CpuSnapshot::nrRunning).min().orElse(0);
        return (double) max / Math.max(1, min);
    }
}
