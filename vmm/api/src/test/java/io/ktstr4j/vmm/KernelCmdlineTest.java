package io.ktstr4j.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KernelCmdlineTest {

    private static List<String> tokens(String cmdline) {
        return Arrays.asList(cmdline.split(" "));
    }

    @Test
    void kvmCmdlineCarriesKtstrsFixedContract() {
        String c = KernelCmdline.builder().shm(new ShmRegion(0x7f000000L, 0x1000000L), false).build();
        assertThat(tokens(c)).contains("console=ttyS0", "nomodules", "mitigations=off", "no_timer_check",
                "clocksource=kvm-clock", "random.trust_cpu=on", "swiotlb=noforce", "pci=off", "reboot=k", "panic=-1",
                "iomem=relaxed", "nokaslr", "lockdown=none", "sysctl.kernel.unprivileged_bpf_disabled=0",
                "sysctl.kernel.sched_schedstats=1", "loglevel=1", "rdinit=/init", "initramfs_options=size=90%",
                "numa_balancing=disable", "KTSTR_SHM_BASE=0x7f000000", "KTSTR_SHM_SIZE=0x1000000", "KTSTR_MODE=run");
        assertThat(c).doesNotContain("memmap=").doesNotContain("tsc_early_khz");
    }

    @Test
    void tcgCmdlineUsesTheHostTscAndHidesTheShmRegionWithMemmap() {
        String c = KernelCmdline.builder()
                .clock(KernelCmdline.Clock.TSC_FROM_HOST).tscKhz(2_596_144)
                .reboot(KernelCmdline.Reboot.TRIPLE_FAULT)
                .shm(new ShmRegion(0xf000000L, 0x1000000L), true)
                .verbose(true).numaBalancing(true).topologyLabel("1n2l2c1t")
                .build();
        assertThat(tokens(c)).contains("clocksource=tsc", "tsc=reliable", "tsc_early_khz=2596144", "reboot=t",
                "memmap=0x1000000$0xf000000", "earlyprintk=serial", "loglevel=7", "numa_balancing=enable",
                "KTSTR_TOPO=1n2l2c1t");
        assertThat(tokens(c)).doesNotContain("clocksource=kvm-clock", "reboot=k", "loglevel=1");
    }

    @Test
    void userArgumentsComeLastInOrder() {
        String c = KernelCmdline.builder().userArgs(List.of("sched_verbose", "sysctl.kernel.foo=1")).build();
        assertThat(c).endsWith("KTSTR_MODE=run sched_verbose sysctl.kernel.foo=1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nokaslr", "kaslr", "console=ttyS1", "loglevel=8", "init=/bin/sh", "rdinit=/sbin/init",
            "KTSTR_SHM_BASE=0x0", "KTSTR_MODE=shell", "memmap=1M$0x100000", "CONSOLE=tty0"})
    void protectedArgumentsAreRefusedByName(String arg) {
        assertThatThrownBy(() -> KernelCmdline.builder().userArgs(List.of("quiet", arg)).build())
                .isInstanceOf(VmConfigException.class)
                .hasMessageContaining("'" + arg + "' is protected");
    }

    @Test
    void argumentsWithWhitespaceOrEmptyAreRefused() {
        assertThatThrownBy(() -> KernelCmdline.validateUserArgs(List.of("a b")))
                .isInstanceOf(VmConfigException.class).hasMessageContaining("whitespace");
        assertThatThrownBy(() -> KernelCmdline.validateUserArgs(List.of("")))
                .isInstanceOf(VmConfigException.class).hasMessageContaining("empty");
    }

    @Test
    void similarButUnprotectedArgumentsPass() {
        KernelCmdline.validateUserArgs(List.of("consoleblank=0", "initcall_debug", "ktstr_x=1", "memory_corruption_check=0"));
    }
}
