package io.ktstr4j.schemas.monitor;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One level of a CPU's sched-domain tree (ktstr {@code SchedDomainSnapshot}). The newidle fields were removed in
 * kernel 6.16 and are omitted (null) there.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SchedDomainSnapshot(
        int level,
        String name,
        int flags,
        long spanWeight,
        long balanceInterval,
        long nrBalanceFailed,
        Long newidleCall,
        Long newidleSuccess,
        Long newidleRatio,
        long maxNewidleLbCost,
        SchedDomainStats stats) {}
