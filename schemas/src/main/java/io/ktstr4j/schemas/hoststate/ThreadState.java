package io.ktstr4j.schemas.hoststate;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ktstr4j.schemas.Validate;
import java.util.List;

/**
 * One host thread's cumulative-from-birth counters (ktstr {@code ThreadState}). A reading that could not be taken is
 * 0, as ktstr writes it, and its field name is also listed in {@code missing} (host_state 1.1; ktstr ignores the
 * field), so a comparison tells a missing reading from a real zero.
 *
 * @param missing the JSON names of the fields that could not be read (empty: every reading was taken)
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
        long writeBytes,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> missing) {

    public ThreadState {
        pcomm = pcomm == null ? "" : pcomm;
        comm = comm == null ? "" : comm;
        cgroup = cgroup == null ? "" : cgroup;
        policy = policy == null ? "" : policy;
        cpuAffinity = Validate.list("cpu_affinity", cpuAffinity);
        missing = Validate.list("missing", missing);
    }

    /** Whether the reading of this field (its JSON name) could not be taken. */
    public boolean isMissing(String field) {
        return missing.contains(field);
    }

    /** A builder with every field unset; see {@link Builder}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's fields, to build a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.tid = tid;
        b.tgid = tgid;
        b.pcomm = pcomm;
        b.comm = comm;
        b.cgroup = cgroup;
        b.startTimeClockTicks = startTimeClockTicks;
        b.policy = policy;
        b.nice = nice;
        b.cpuAffinity = cpuAffinity;
        b.runTimeNs = runTimeNs;
        b.waitTimeNs = waitTimeNs;
        b.timeslices = timeslices;
        b.voluntaryCsw = voluntaryCsw;
        b.nonvoluntaryCsw = nonvoluntaryCsw;
        b.nrWakeups = nrWakeups;
        b.nrWakeupsLocal = nrWakeupsLocal;
        b.nrWakeupsRemote = nrWakeupsRemote;
        b.nrWakeupsSync = nrWakeupsSync;
        b.nrWakeupsMigrate = nrWakeupsMigrate;
        b.nrWakeupsIdle = nrWakeupsIdle;
        b.nrMigrations = nrMigrations;
        b.waitSum = waitSum;
        b.waitCount = waitCount;
        b.sleepSum = sleepSum;
        b.blockSum = blockSum;
        b.blockCount = blockCount;
        b.iowaitSum = iowaitSum;
        b.iowaitCount = iowaitCount;
        b.allocatedBytes = allocatedBytes;
        b.deallocatedBytes = deallocatedBytes;
        b.minflt = minflt;
        b.majflt = majflt;
        b.rchar = rchar;
        b.wchar = wchar;
        b.syscr = syscr;
        b.syscw = syscw;
        b.readBytes = readBytes;
        b.writeBytes = writeBytes;
        b.missing = missing;
        return b;
    }

    /**
     * Builds a {@link ThreadState} field by field, one setter per field. A field not set is 0, or empty for
     * the strings and the CPU list, as a missing reading in ktstr.
     */
    public static final class Builder {
        private long tid;
        private long tgid;
        private String pcomm;
        private String comm;
        private String cgroup;
        private long startTimeClockTicks;
        private String policy;
        private int nice;
        private List<Integer> cpuAffinity;
        private long runTimeNs;
        private long waitTimeNs;
        private long timeslices;
        private long voluntaryCsw;
        private long nonvoluntaryCsw;
        private long nrWakeups;
        private long nrWakeupsLocal;
        private long nrWakeupsRemote;
        private long nrWakeupsSync;
        private long nrWakeupsMigrate;
        private long nrWakeupsIdle;
        private long nrMigrations;
        private long waitSum;
        private long waitCount;
        private long sleepSum;
        private long blockSum;
        private long blockCount;
        private long iowaitSum;
        private long iowaitCount;
        private long allocatedBytes;
        private long deallocatedBytes;
        private long minflt;
        private long majflt;
        private long rchar;
        private long wchar;
        private long syscr;
        private long syscw;
        private long readBytes;
        private long writeBytes;
        private List<String> missing;

        private Builder() {}

        public Builder tid(long tid) {
            this.tid = tid;
            return this;
        }

        public Builder tgid(long tgid) {
            this.tgid = tgid;
            return this;
        }

        public Builder pcomm(String pcomm) {
            this.pcomm = pcomm;
            return this;
        }

        public Builder comm(String comm) {
            this.comm = comm;
            return this;
        }

        public Builder cgroup(String cgroup) {
            this.cgroup = cgroup;
            return this;
        }

        public Builder startTimeClockTicks(long startTimeClockTicks) {
            this.startTimeClockTicks = startTimeClockTicks;
            return this;
        }

        public Builder policy(String policy) {
            this.policy = policy;
            return this;
        }

        public Builder nice(int nice) {
            this.nice = nice;
            return this;
        }

        public Builder cpuAffinity(List<Integer> cpuAffinity) {
            this.cpuAffinity = cpuAffinity;
            return this;
        }

        public Builder runTimeNs(long runTimeNs) {
            this.runTimeNs = runTimeNs;
            return this;
        }

        public Builder waitTimeNs(long waitTimeNs) {
            this.waitTimeNs = waitTimeNs;
            return this;
        }

        public Builder timeslices(long timeslices) {
            this.timeslices = timeslices;
            return this;
        }

        public Builder voluntaryCsw(long voluntaryCsw) {
            this.voluntaryCsw = voluntaryCsw;
            return this;
        }

        public Builder nonvoluntaryCsw(long nonvoluntaryCsw) {
            this.nonvoluntaryCsw = nonvoluntaryCsw;
            return this;
        }

        public Builder nrWakeups(long nrWakeups) {
            this.nrWakeups = nrWakeups;
            return this;
        }

        public Builder nrWakeupsLocal(long nrWakeupsLocal) {
            this.nrWakeupsLocal = nrWakeupsLocal;
            return this;
        }

        public Builder nrWakeupsRemote(long nrWakeupsRemote) {
            this.nrWakeupsRemote = nrWakeupsRemote;
            return this;
        }

        public Builder nrWakeupsSync(long nrWakeupsSync) {
            this.nrWakeupsSync = nrWakeupsSync;
            return this;
        }

        public Builder nrWakeupsMigrate(long nrWakeupsMigrate) {
            this.nrWakeupsMigrate = nrWakeupsMigrate;
            return this;
        }

        public Builder nrWakeupsIdle(long nrWakeupsIdle) {
            this.nrWakeupsIdle = nrWakeupsIdle;
            return this;
        }

        public Builder nrMigrations(long nrMigrations) {
            this.nrMigrations = nrMigrations;
            return this;
        }

        public Builder waitSum(long waitSum) {
            this.waitSum = waitSum;
            return this;
        }

        public Builder waitCount(long waitCount) {
            this.waitCount = waitCount;
            return this;
        }

        public Builder sleepSum(long sleepSum) {
            this.sleepSum = sleepSum;
            return this;
        }

        public Builder blockSum(long blockSum) {
            this.blockSum = blockSum;
            return this;
        }

        public Builder blockCount(long blockCount) {
            this.blockCount = blockCount;
            return this;
        }

        public Builder iowaitSum(long iowaitSum) {
            this.iowaitSum = iowaitSum;
            return this;
        }

        public Builder iowaitCount(long iowaitCount) {
            this.iowaitCount = iowaitCount;
            return this;
        }

        public Builder allocatedBytes(long allocatedBytes) {
            this.allocatedBytes = allocatedBytes;
            return this;
        }

        public Builder deallocatedBytes(long deallocatedBytes) {
            this.deallocatedBytes = deallocatedBytes;
            return this;
        }

        public Builder minflt(long minflt) {
            this.minflt = minflt;
            return this;
        }

        public Builder majflt(long majflt) {
            this.majflt = majflt;
            return this;
        }

        public Builder rchar(long rchar) {
            this.rchar = rchar;
            return this;
        }

        public Builder wchar(long wchar) {
            this.wchar = wchar;
            return this;
        }

        public Builder syscr(long syscr) {
            this.syscr = syscr;
            return this;
        }

        public Builder syscw(long syscw) {
            this.syscw = syscw;
            return this;
        }

        public Builder readBytes(long readBytes) {
            this.readBytes = readBytes;
            return this;
        }

        public Builder writeBytes(long writeBytes) {
            this.writeBytes = writeBytes;
            return this;
        }

        /** The JSON names of the fields that could not be read. */
        public Builder missing(List<String> missing) {
            this.missing = missing;
            return this;
        }

        /** The record, checked and defaulted by its constructor. */
        public ThreadState build() {
            return new ThreadState(tid, tgid, pcomm, comm, cgroup, startTimeClockTicks, policy, nice, cpuAffinity,
                    runTimeNs, waitTimeNs, timeslices, voluntaryCsw, nonvoluntaryCsw, nrWakeups, nrWakeupsLocal,
                    nrWakeupsRemote, nrWakeupsSync, nrWakeupsMigrate, nrWakeupsIdle, nrMigrations, waitSum, waitCount,
                    sleepSum, blockSum, blockCount, iowaitSum, iowaitCount, allocatedBytes, deallocatedBytes, minflt,
                    majflt, rchar, wchar, syscr, syscw, readBytes, writeBytes, missing);
        }
    }
}
