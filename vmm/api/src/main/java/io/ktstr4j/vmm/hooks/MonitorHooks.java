package io.ktstr4j.vmm.hooks;

import java.util.Objects;

/**
 * What a backend lends the host-side monitor beyond guest RAM: a way to pause every vCPU (for consistent snapshots),
 * the host CPU time of each vCPU thread (to exempt preempted vCPUs from stall detection) and the vCPU registers (for
 * the page-table root). Each part has a neutral value, so the monitor works with whatever a backend can give.
 *
 * @param freezer     pauses and resumes the vCPUs; {@link VmFreezer#NONE} captures a running guest
 * @param cpuTime     vCPU thread CPU time; {@link VcpuCpuTime#NONE} when unknown
 * @param registers   vCPU control registers, or null (the kernel's own {@code init_top_pgt} is walked instead)
 * @param freezerName how snapshots freeze the guest, for logs and docs (e.g. {@code qmp}, {@code none})
 * @param kvmStats    per-vCPU KVM statistics files, or null (only the Java VMM has them)
 */
public record MonitorHooks(VmFreezer freezer, VcpuCpuTime cpuTime, VcpuRegisters registers, String freezerName,
                           KvmStatsSource kvmStats) {

    /** Nothing beyond guest RAM. */
    public static final MonitorHooks NONE = new MonitorHooks(VmFreezer.NONE, VcpuCpuTime.NONE, null, "none");

    /** Without KVM statistics. */
    public MonitorHooks(VmFreezer freezer, VcpuCpuTime cpuTime, VcpuRegisters registers, String freezerName) {
        this(freezer, cpuTime, registers, freezerName, null);
    }

    public MonitorHooks {
        freezer = freezer == null ? VmFreezer.NONE : freezer;
        cpuTime = cpuTime == null ? VcpuCpuTime.NONE : cpuTime;
        freezerName = Objects.requireNonNullElse(freezerName, "none");
    }
}
