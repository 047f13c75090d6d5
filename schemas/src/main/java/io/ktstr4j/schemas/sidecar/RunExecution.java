package io.ktstr4j.schemas.sidecar;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ktstr4j.schemas.InvalidFieldException;
import io.ktstr4j.schemas.Validate;
import java.util.List;

/**
 * How the gauntlet ran a result (sidecar 1.3, ktstr4j's addition): which trial and attempt it was, and the CPU
 * budget it shared with the VMs running beside it. Overcommit distorts what the checks measure, so a result says
 * what it ran under.
 *
 * @param trial           1-based trial index ({@code --trials})
 * @param trials          the variant's number of trials
 * @param attempt         1-based attempt (2 = retried once after an infrastructure failure)
 * @param retriedAfter    why each earlier attempt was retried; empty on a first attempt
 * @param hostCpus        the host CPUs the gauntlet gave its VMs (all but one for the harness, or {@code --host-cpus} - 1)
 * @param overcommitLimit the vCPUs allowed per host CPU ({@code --overcommit})
 * @param concurrentVcpus the most vCPUs of the gauntlet's VMs running at once while this one ran, its own included
 */
public record RunExecution(int trial, int trials, int attempt,
                           @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> retriedAfter,
                           int hostCpus, double overcommitLimit, int concurrentVcpus) {

    public RunExecution {
        if (trial < 1) {
            throw new InvalidFieldException("trial", trial + " must be at least 1");
        }
        if (trials < trial) {
            throw new InvalidFieldException("trials", trials + " is below trial " + trial);
        }
        if (attempt < 1) {
            throw new InvalidFieldException("attempt", attempt + " must be at least 1");
        }
        retriedAfter = Validate.optionalList("retried_after", retriedAfter);
        retriedAfter = retriedAfter == null ? List.of() : retriedAfter;
        if (hostCpus < 1) {
            throw new InvalidFieldException("host_cpus", hostCpus + " must be at least 1");
        }
        Validate.positive("overcommit_limit", overcommitLimit);
        if (concurrentVcpus < 0) {
            throw new InvalidFieldException("concurrent_vcpus", concurrentVcpus + " must not be negative");
        }
    }

    /** More vCPUs ran at once than the host CPUs given to VMs: the guest's CPUs were time-shared. */
    public boolean overcommitted() {
        return concurrentVcpus > hostCpus;
    }
}
