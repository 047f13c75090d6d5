package io.ktstr4j.schemas.hoststate;

/** cpu.stat / memory.current of one host cgroup (ktstr's host_state {@code CgroupStats}). */
public record HostCgroupStats(long cpuUsageUsec, long nrThrottled, long throttledUsec, long memoryCurrent) {}
