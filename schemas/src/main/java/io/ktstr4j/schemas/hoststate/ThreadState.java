package io.ktstr4j.schemas.hoststate;

import io.ktstr4j.schemas.Validate;
import java.util.List;

/**
 * One host thread's cumulative-from-birth counters (ktstr {@code ThreadState}). Missing readings are 0, as in ktstr.
 */
public record ThreadState(
        long tid,
        long tgid,
        String pcomm,
        String comm,
        String cgroup,
        long startTimeClockTicks,
        String policy,
        int nice,
        List<Integer> cpuAffinity,
        long runTimeNs,
        long waitTimeNs,
        long timeslices,
        long voluntaryCsw,
        long nonvoluntaryCsw,
        long nrWakeups,
        long nrWakeupsLocal,
        long nrWakeupsRemote,
        long nrWakeupsSync,
        long nrWakeupsMigrate,
        long nrWakeupsIdle,
        long nrMigrations,
        long waitSum,
        long waitCount,
        long sleepSum,
        long blockSum,
        long blockCount,
        long iowaitSum,
        long iowaitCount,
        long allocatedBytes,
        long deallocatedBytes,
        long minflt,
        long majflt,
        long rchar,
        long wchar,
        long syscr,
        long syscw,
        long readBytes,
        long writeBytes) {

    public ThreadState {
        pcomm = pcomm == null ? "" : pcomm;
        comm = comm == null ? "" : comm;
        cgroup = cgroup == null ? "" : cgroup;
        policy = policy == null ? "" : policy;
        cpuAffinity = Validate.list("cpu_affinity", cpuAffinity);
    }
}
