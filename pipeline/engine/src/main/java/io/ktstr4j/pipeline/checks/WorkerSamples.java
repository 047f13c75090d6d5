package io.ktstr4j.pipeline.checks;

import io.ktstr4j.schemas.report.WorkerReport;
import java.util.HashSet;

/** Converts the schemas worker report into what the checks read. */
public final class WorkerSamples {

    private WorkerSamples() {
    }

    public static WorkerSample of(WorkerReport r) {
        return new WorkerSample(r.tid(), r.workUnits(), r.cpuTimeNs(), r.wallTimeNs(), r.offCpuNs(),
                r.migrationCount(), new HashSet<>(r.cpusUsed()), r.maxGapMs(), r.maxGapCpu(), r.maxGapAtMs(),
                r.resumeLatenciesNs(), r.iterations(), r.numaPages(), r.vmstatNumaPagesMigrated(),
                Boolean.TRUE.equals(r.isMessenger()), r.schedstatRunDelayNs());
    }
}
