package io.ktstr4j.pipeline.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.sidecar.HostContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host context read from a fake /proc + /sys tree, so nothing depends on this machine's values. */
class HostContextReaderTest {

    @TempDir
    Path root;

    private void file(String relative, String content) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    /** A two-socket host: 8 CPUs of which 0-5 are online, node 0 holds 0-3, node 1 holds 4-7, node 2 is memory only. */
    private void fullTree() throws IOException {
        file("proc/cpuinfo", """
                processor\t: 0
                vendor_id\t: GenuineIntel
                model name\t: Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz
                flags\t\t: fpu vme

                processor\t: 1
                vendor_id\t: OtherVendor
                model name\t: Other model
                """);
        file("proc/meminfo", """
                MemTotal:       65844120 kB
                MemFree:         1234567 kB
                HugePages_Total:      16
                HugePages_Free:       12
                Hugepagesize:       2048 kB
                """);
        file("sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n");
        file("sys/kernel/mm/transparent_hugepage/defrag", "always defer defer+madvise [madvise] never\n");
        file("proc/sys/kernel/sched_autogroup_enabled", "1\n");
        file("proc/sys/kernel/sched_rt_runtime_us", "950000\n");
        file("proc/sys/kernel/hostname", "box\n");
        Files.createDirectories(root.resolve("proc/sys/kernel/sched_domain_like_dir"));
        file("proc/sys/kernel/ostype", "Linux\n");
        file("proc/sys/kernel/osrelease", "6.8.0-48-generic\n");
        file("proc/sys/kernel/arch", "x86_64\n");
        file("proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro  \n");
        file("sys/devices/system/cpu/online", "0-5\n");
        for (int cpu = 0; cpu < 8; cpu++) {
            file("sys/devices/system/cpu/cpu" + cpu + "/cpufreq/scaling_governor", cpu == 1 ? "powersave\n"
                    : "performance\n");
        }
        Files.delete(root.resolve("sys/devices/system/cpu/cpu3/cpufreq/scaling_governor"));
        file("sys/devices/system/node/node0/cpulist", "0-3\n");
        file("sys/devices/system/node/node1/cpulist", "4-7\n");
        file("sys/devices/system/node/node2/cpulist", "\n");
        file("sys/kernel/debug/sched/base_slice_ns", "3000000\n");
        file("sys/kernel/debug/sched/debug", "x".repeat(HostContextReader.MAX_TUNABLE_BYTES + 10));
        file("sys/kernel/debug/sched/numa_balancing/scan_delay_ms", "1000\n");
        file("sys/kernel/debug/sched/domains/cpu0/domain0/flags", "SD_BALANCE_NEWIDLE\n");
    }

    @Test
    void readsEveryFieldFromTheTree() throws IOException {
        fullTree();
        HostContext h = new HostContextReader(root).read();
        assertThat(h.cpuModel()).as("first processor only").isEqualTo("Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz");
        assertThat(h.cpuVendor()).isEqualTo("GenuineIntel");
        assertThat(h.totalMemoryKb()).isEqualTo(65_844_120L);
        assertThat(h.hugepagesTotal()).isEqualTo(16L);
        assertThat(h.hugepagesFree()).isEqualTo(12L);
        assertThat(h.hugepagesSizeKb()).isEqualTo(2048L);
        assertThat(h.thpEnabled()).isEqualTo("always [madvise] never");
        assertThat(h.thpDefrag()).isEqualTo("always defer defer+madvise [madvise] never");
        assertThat(h.schedTunables()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "sched_autogroup_enabled", "1",
                "sched_rt_runtime_us", "950000",
                "debug/sched/base_slice_ns", "3000000",
                "debug/sched/numa_balancing/scan_delay_ms", "1000"));
        assertThat(h.onlineCpus()).isEqualTo(6);
        assertThat(h.numaNodes()).as("node 2 has no CPUs").isEqualTo(2);
        assertThat(h.cpufreqGovernor()).as("online CPUs with cpufreq only").containsExactlyInAnyOrderEntriesOf(Map.of(
                0, "performance", 1, "powersave", 2, "performance", 4, "performance", 5, "performance"));
        assertThat(h.kernelName()).isEqualTo("Linux");
        assertThat(h.kernelRelease()).isEqualTo("6.8.0-48-generic");
        assertThat(h.arch()).isEqualTo("x86_64");
        assertThat(h.kernelCmdline()).isEqualTo("BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro");
        assertThat(h.heapState()).as("jemalloc's, not a JVM's").isNull();
    }

    @Test
    void anEmptyTreeGivesNullsNotErrors() {
        HostContext h = new HostContextReader(root.resolve("nothing-here")).read();
        assertThat(h).isEqualTo(HostContext.builder().build());
        assertThat(h.schedTunables()).as("/proc/sys/kernel cannot be listed").isNull();
        assertThat(h.cpufreqGovernor()).isEmpty();
    }

    @Test
    void partialAndMalformedFilesLeaveOnlyThoseFieldsUnknown() throws IOException {
        file("proc/meminfo", "MemTotal: lots kB\nHugepagesize: 2048 kB\nno colon here\n");
        file("proc/cpuinfo", "processor : 0\nmodel name :\nvendor_id : AuthenticAMD\n");
        file("sys/devices/system/cpu/online", "0-x\n");
        Files.createDirectories(root.resolve("proc/sys/kernel"));
        HostContext h = new HostContextReader(root).read();
        assertThat(h.totalMemoryKb()).isNull();
        assertThat(h.hugepagesSizeKb()).isEqualTo(2048L);
        assertThat(h.cpuModel()).as("an empty value is unknown").isNull();
        assertThat(h.cpuVendor()).isEqualTo("AuthenticAMD");
        assertThat(h.onlineCpus()).isNull();
        assertThat(h.numaNodes()).isNull();
        assertThat(h.schedTunables()).as("listable but no sched_ files: known to be empty").isEmpty();
    }

    @Test
    void aKernelWithoutNumaHasOneNode() throws IOException {
        file("sys/devices/system/cpu/online", "0-1\n");
        assertThat(new HostContextReader(root).read().numaNodes()).isEqualTo(1);
    }

    @Test
    void theCurrentHostIsReadOnceAndNamesThisKernel() {
        HostContext a = HostContextReader.current();
        assertThat(HostContextReader.current()).isSameAs(a);
        assertThat(a.kernelName()).isEqualTo("Linux");
        assertThat(a.kernelRelease()).isEqualTo(System.getProperty("os.version"));
        assertThat(a.arch()).isEqualTo(HostContextReader.unameArch(System.getProperty("os.arch")));
        assertThat(a.onlineCpus()).isPositive();
    }

    @Test
    void jvmArchitectureNamesMapToUname() {
        assertThat(HostContextReader.unameArch("amd64")).isEqualTo("x86_64");
        assertThat(HostContextReader.unameArch("aarch64")).isEqualTo("aarch64");
        assertThat(HostContextReader.unameArch("")).isNull();
    }
}
