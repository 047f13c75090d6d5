package io.ktstr4j.vmm.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.vmm.VmConfig;
import io.ktstr4j.vmm.VmConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration errors are reported before anything starts; these tests need no QEMU run. */
class QemuBackendTest {

    @TempDir
    Path dir;

    private Path fakeQemu() throws Exception {
        Path q = dir.resolve("qemu-system-x86_64");
        Files.writeString(q, "#!/bin/sh\nexit 1\n");
        q.toFile().setExecutable(true);
        return q;
    }

    private Path bzImage() throws Exception {
        byte[] b = new byte[0x400];
        b[0x202] = 'H';
        b[0x203] = 'd';
        b[0x204] = 'r';
        b[0x205] = 'S';
        Path k = dir.resolve("bzImage");
        Files.write(k, b);
        return k;
    }

    private QemuBackend backend() throws Exception {
        return new QemuBackend(QemuOptions.defaults().withQemuBinary(fakeQemu()).withAccel(QemuOptions.Accel.TCG));
    }

    private VmConfig config(Path kernel, Topology t, long mb, List<String> kargs) {
        return new VmConfig(kernel, List.of(), t, mb, kargs, VmConfig.DEFAULT_SHM_BYTES, Duration.ofSeconds(10), false);
    }

    @Test
    void createStartsNothingAndBuildsTheTcgCmdline() throws Exception {
        var vm = backend().create(config(bzImage(), Topology.of(1, 2, 2, 1), 256, List.of("quiet")));
        assertThat(vm.cmdline()).contains("clocksource=tsc", "reboot=t", "KTSTR_TOPO=1n2l2c1t", "memmap=0x1000000$0xf000000")
                .endsWith(" quiet");
        assertThat(vm.shm().guestPhysBase()).isEqualTo(240L << 20);
        assertThatThrownBy(vm::memory).isInstanceOf(IllegalStateException.class).hasMessageContaining("subscribe");
        vm.close();
        assertThat(((QemuVm) vm).ramDir()).as("nothing created for a VM that never ran").doesNotExist();
    }

    @Test
    void badInputIsRefusedNamingTheField() throws Exception {
        QemuBackend b = backend();
        Path k = bzImage();
        assertThatThrownBy(() -> b.create(config(dir.resolve("nope"), Topology.of(1, 1, 1, 1), 256, List.of())))
                .isInstanceOf(VmConfigException.class).hasMessageContaining("kernel").hasMessageContaining("nope");
        Path notKernel = dir.resolve("notkernel");
        Files.write(notKernel, new byte[4096]);
        assertThatThrownBy(() -> b.create(config(notKernel, Topology.of(1, 1, 1, 1), 256, List.of())))
                .isInstanceOf(VmConfigException.class).hasMessageContaining("neither a bzImage");
        assertThatThrownBy(() -> b.create(config(k, Topology.of(1, 1, 1, 1), 256, List.of("init=/bin/sh"))))
                .isInstanceOf(VmConfigException.class).hasMessageContaining("protected");
        assertThatThrownBy(() -> b.create(new VmConfig(k, List.of(dir.resolve("missing.cpio")), Topology.of(1, 1, 1, 1),
                256, List.of(), 0, Duration.ofSeconds(1), false)))
                .isInstanceOf(VmConfigException.class).hasMessageContaining("initramfs");
        assertThatThrownBy(() -> b.create(config(k, Topology.of(1, 1, 1, 1), 16, List.of())))
                .isInstanceOf(VmConfigException.class).hasMessageContaining("memoryMb");
    }

    @Test
    void microvmCannotShowNumaNodes() throws Exception {
        QemuBackend b = new QemuBackend(QemuOptions.defaults().withQemuBinary(fakeQemu())
                .withAccel(QemuOptions.Accel.TCG).withMachine(MachineType.MICROVM));
        assertThatThrownBy(() -> b.create(config(bzImage(), Topology.of(2, 2, 1, 1), 256, List.of())))
                .isInstanceOf(VmConfigException.class).hasMessageContaining("SRAT");
    }

    @Test
    void missingQemuBinarySaysHowToInstallIt() throws Exception {
        QemuBackend b = new QemuBackend(QemuOptions.defaults().withQemuBinary(dir.resolve("no-qemu")));
        assertThatThrownBy(() -> b.create(config(bzImage(), Topology.of(1, 1, 1, 1), 256, List.of())))
                .isInstanceOf(VmConfigException.class).hasMessageContaining("no-qemu");
        assertThat(QemuBackend.INSTALL_HINT).contains("apt-get install qemu-system-x86");
    }

    @Test
    void tcgIsSoftwareEmulationAndKvmIsNot() throws Exception {
        assertThat(backend().softwareEmulated()).isTrue();
        QemuBackend kvm = new QemuBackend(QemuOptions.defaults().withQemuBinary(fakeQemu())
                .withAccel(QemuOptions.Accel.KVM));
        assertThat(kvm.softwareEmulated()).isFalse();
    }

    @Test
    void hostTscRateComesFromProcCpuinfo() {
        assertThat(QemuBackend.hostTscKhz()).isGreaterThan(100_000);
    }
}
