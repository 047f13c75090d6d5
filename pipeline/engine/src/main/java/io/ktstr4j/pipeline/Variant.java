package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.spec.Thresholds;
import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.vmm.plan.AgentPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One runnable test variant: a test on one topology preset under one scheduler profile. Its key follows ktstr's
 * gauntlet naming {@code {test}/{preset}/{profile}}.
 *
 * @param testName   the test (spec or canned scenario name)
 * @param preset     preset name, or the topology label when no preset matches
 * @param topology   the guest CPU topology
 * @param scheduler  scheduler under test and its flag profile
 * @param kernel     kernel image to boot
 * @param plan       the compiled agent plan (null when the variant is skipped)
 * @param duration   scenario duration
 * @param memoryMb   guest RAM
 * @param watchdog   VM watchdog
 * @param thresholds resolved thresholds (after the merge chain)
 * @param kargs      extra kernel arguments (sysctls included as {@code sysctl.k=v})
 * @param sysctls    the raw sysctl assignments, recorded in the sidecar
 * @param workType   main work type name, recorded in the sidecar
 * @param skipReason non-null when the variant cannot run here (it is reported as SKIP without booting)
 * @param numSnapshots periodic monitor snapshots inside 10–90% of the scenario (the spec's {@code num_snapshots})
 * @param projectDir the project under test, whose git commit the sidecar records (null = the working directory)
 * @param relation   a baseline of the run, or judged against one ({@code relative_to}); null = neither
 * @param kernelLabel the kernel's name in the key when a gauntlet runs several kernels ({@code /{kernel}}); null = one
 */
public record Variant(
        String testName,
        String preset,
        Topology topology,
        SchedulerChoice scheduler,
        Path kernel,
        AgentPlan plan,
        Duration duration,
        long memoryMb,
        Duration watchdog,
        Thresholds thresholds,
        List<String> kargs,
        List<String> sysctls,
        String workType,
        String skipReason,
        int numSnapshots,
        List<Path> includeFiles,
        boolean expectErr,
        Path projectDir,
        VariantRelation relation,
        String kernelLabel) {

    public Variant {
        if (numSnapshots < 0) {
            throw new IllegalArgumentException("num_snapshots: " + numSnapshots + " must not be negative");
        }
        kargs = kargs == null ? List.of() : List.copyOf(kargs);
        includeFiles = includeFiles == null ? List.of() : List.copyOf(includeFiles);
        sysctls = sysctls == null ? List.of() : List.copyOf(sysctls);
        workType = workType == null || workType.isBlank() ? "CpuSpin" : workType;
    }

    /** Without guest include files and with a plain verdict. */
    public Variant(String testName, String preset, Topology topology, SchedulerChoice scheduler, Path kernel,
                   AgentPlan plan, Duration duration, long memoryMb, Duration watchdog, Thresholds thresholds,
                   List<String> kargs, List<String> sysctls, String workType, String skipReason, int numSnapshots) {
        this(testName, preset, topology, scheduler, kernel, plan, duration, memoryMb, watchdog, thresholds, kargs,
                sysctls, workType, skipReason, numSnapshots, List.of(), false, null, null, null);
    }

    /** A variant that runs, without periodic snapshots (most callers). */
    public Variant(String testName, String preset, Topology topology, SchedulerChoice scheduler, Path kernel,
                   AgentPlan plan, Duration duration, long memoryMb, Duration watchdog, Thresholds thresholds,
                   List<String> kargs, List<String> sysctls, String workType) {
        this(testName, preset, topology, scheduler, kernel, plan, duration, memoryMb, watchdog, thresholds, kargs,
                sysctls, workType, null, 0);
    }

    /** The same variant with {@code n} periodic snapshots. */
    public Variant withSnapshots(int n) {
        return new Variant(testName, preset, topology, scheduler, kernel, plan, duration, memoryMb, watchdog,
                thresholds, kargs, sysctls, workType, skipReason, n, includeFiles, expectErr, projectDir, relation,
                kernelLabel);
    }

    /** The same variant testing the project in {@code dir}. */
    public Variant withProjectDir(Path dir) {
        return new Variant(testName, preset, topology, scheduler, kernel, plan, duration, memoryMb, watchdog,
                thresholds, kargs, sysctls, workType, skipReason, numSnapshots, includeFiles, expectErr, dir,
                relation, kernelLabel);
    }

    /** The same variant named with its kernel: a gauntlet of several kernels keys each run {@code .../{kernel}}. */
    public Variant withKernelLabel(String label) {
        return new Variant(testName, preset, topology, scheduler, kernel, plan, duration, memoryMb, watchdog,
                thresholds, kargs, sysctls, workType, skipReason, numSnapshots, includeFiles, expectErr, projectDir,
                relation instanceof VariantRelation.JudgedAgainst j && label != null
                        ? new VariantRelation.JudgedAgainst(j.baselineKey() + "/" + label, j.check()) : relation,
                label);
    }

    /**
     * The kernel arguments other than the sysctls: what ktstr's sidecar records as {@code kargs} (its sysctls are a
     * field of their own, though both reach the guest's command line).
     */
    public List<String> extraKargs() {
        List<String> out = new java.util.ArrayList<>(kargs);
        sysctls.forEach(out::remove); // once each: a karg spelled like a sysctl on purpose stays
        return List.copyOf(out);
    }

    /** {@code {test}/{preset}/{profile}[/{kernel}]}, e.g. {@code steady/tiny-2llc/eevdf}. */
    public String key() {
        return testName + "/" + preset + "/" + scheduler.profile() + (kernelLabel == null ? "" : "/" + kernelLabel);
    }
}
