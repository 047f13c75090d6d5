package io.ktstr4j.pipeline.gauntlet;

import java.util.Locale;

/**
 * How many guest vCPUs may run at once: the host's CPUs minus one for the harness, times the allowed overcommit, and
 * at most {@code jobs} VMs. A VM larger than the whole budget still runs, alone.
 *
 * @param hostCpus   the host CPUs the gauntlet may fill ({@code --host-cpus}; default: this process's CPUs)
 * @param jobs       at most this many VMs at once ({@code --jobs}; {@link Integer#MAX_VALUE} = no cap)
 * @param overcommit vCPUs allowed per host CPU ({@code --overcommit}; 1 = none)
 */
public record CpuBudget(int hostCpus, int jobs, double overcommit) {

    public CpuBudget {
        if (hostCpus < 1) {
            throw new IllegalArgumentException("--host-cpus: " + hostCpus + " must be at least 1");
        }
        if (jobs < 1) {
            throw new IllegalArgumentException("--jobs: " + jobs + " must be at least 1");
        }
        if (!(overcommit >= 1.0) || Double.isInfinite(overcommit)) {
            throw new IllegalArgumentException("--overcommit: " + overcommit + " must be a number of at least 1 "
                    + "(1 = one vCPU per host CPU)");
        }
    }

    /** The defaults on this host: every CPU the JVM may use, no cap on VMs, no overcommit. */
    public static CpuBudget ofHost() {
        return new CpuBudget(Runtime.getRuntime().availableProcessors(), Integer.MAX_VALUE, 1.0);
    }

    /** The host CPUs VMs may use: all but one, kept for the harness (the monitor, the event flow); at least one. */
    public int vmCpus() {
        return Math.max(1, hostCpus - 1);
    }

    /** The vCPUs that may run at once. */
    public int vcpuCapacity() {
        return (int) Math.max(1, Math.floor(vmCpus() * overcommit));
    }

    /**
     * Whether a VM of {@code vcpus} may start beside {@code runningVms} VMs holding {@code usedVcpus}: always when
     * nothing runs (a VM larger than the budget runs alone), else while the VM cap and the vCPU capacity hold.
     */
    public boolean admits(int runningVms, int usedVcpus, int vcpus) {
        if (runningVms == 0) {
            return true;
        }
        return runningVms < jobs && usedVcpus + vcpus <= vcpuCapacity();
    }

    /** The host CPUs {@code vcpus} running vCPUs need, as whole CPUs, capped at the CPUs VMs may use. */
    public int cpusFor(int vcpus) {
        return (int) Math.min(vmCpus(), Math.max(0, Math.ceil(vcpus / overcommit)));
    }

    /** {@code 1 host CPU for VMs (2 - 1 for the harness), overcommit 1.0, jobs unlimited}. */
    public String describe() {
        return String.format(Locale.ROOT, "%d host CPU%s for VMs (%d - 1 for the harness), overcommit %s, jobs %s",
                vmCpus(), vmCpus() == 1 ? "" : "s", hostCpus, trim(overcommit),
                jobs == Integer.MAX_VALUE ? "unlimited" : String.valueOf(jobs));
    }

    static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
