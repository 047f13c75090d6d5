package io.ktstr4j.vmm.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.vmm.KvmProbe;
import io.ktstr4j.vmm.VmConfig;
import io.ktstr4j.vmm.VmConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Validation happens before any VM exists, so it is testable without KVM. */
class KvmBackendTest {
    static final Path KERNEL = Path.of("/work/shared/kernels/6.12.117-scx/bzImage");

    static VmConfig cfg(Path kernel, long memMb, List<String> kargs) {
        return new VmConfig(kernel, List.of(), Topology.of(1, 2, 2, 1), memMb, kargs, VmConfig.DEFAULT_SHM_BYTES,
                Duration.ofSeconds(10), false);
    }

    @Test
    void acceptsTheSharedKernelAndBuildsTheGuestContract() {
        Assumptions.assumeTrue(Files.isReadable(KERNEL), "no shared kernel");
        KvmBackend.Plan p = KvmBackend.plan(cfg(KERNEL, 256, List.of("foo=bar")));
        String cmd = p.image().cmdlineString();
        assertThat(cmd).contains("console=ttyS0", "nokaslr", "reboot=k", "clocksource=kvm-clock", "rdinit=/init",
                "KTSTR_SHM_BASE=0x" + Long.toHexString((256L << 20) - VmConfig.DEFAULT_SHM_BYTES), "KTSTR_TOPO=1n2l2c1t");
        assertThat(cmd).endsWith("foo=bar");
        assertThat(p.image().format()).isEqualTo("bzImage");
        assertThat(p.topology().cpus()).isEqualTo(4);
    }

    @Test
    void refusesBadKernelsWithTheFileName(@TempDir Path dir) throws Exception {
        Path junk = Files.write(dir.resolve("junk"), new byte[4096]);
        assertThatThrownBy(() -> KvmBackend.plan(cfg(junk, 256, List.of()))).isInstanceOf(VmConfigException.class)
                .hasMessageContaining(junk.toString()).hasMessageContaining("not a bzImage");
        Assumptions.assumeTrue(Files.isReadable(KERNEL), "no shared kernel");
        Path cut = Files.write(dir.resolve("cut"), Arrays.copyOf(Files.readAllBytes(KERNEL), 200_000));
        assertThatThrownBy(() -> KvmBackend.plan(cfg(cut, 256, List.of()))).hasMessageContaining("truncated");
        byte[] old = Files.readAllBytes(KERNEL);
        old[0x206] = 0x05;
        Path oldP = Files.write(dir.resolve("old"), old);
        assertThatThrownBy(() -> KvmBackend.plan(cfg(oldP, 256, List.of()))).hasMessageContaining("too old");
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> KvmBackend.plan(cfg(missing, 256, List.of()))).hasMessageContaining("cannot read");
    }

    @Test
    void refusesTooLittleMemoryAndProtectedKargs() {
        Assumptions.assumeTrue(Files.isReadable(KERNEL), "no shared kernel");
        assertThatThrownBy(() -> KvmBackend.plan(cfg(KERNEL, 64, List.of()))).isInstanceOf(VmConfigException.class)
                .hasMessageContaining("memoryMb: 64 MiB is too small").hasMessageContaining("need at least");
        assertThatThrownBy(() -> KvmBackend.plan(cfg(KERNEL, 255, List.of()))).hasMessageContaining("multiple of 2");
        assertThatThrownBy(() -> KvmBackend.plan(cfg(KERNEL, 256, List.of("console=ttyS1"))))
                .hasMessageContaining("protected");
    }

    @Test
    void onAHostWithoutUsableKvmCreateSaysWhy() {
        KvmProbe.Result probe = KvmProbe.probe();
        Assumptions.assumeFalse(probe.usable(), "KVM is usable here; covered by the rig tests");
        Assumptions.assumeTrue(Files.isReadable(KERNEL), "no shared kernel");
        assertThatThrownBy(() -> new KvmBackend().create(cfg(KERNEL, 256, List.of())))
                .isInstanceOf(VmConfigException.class).hasMessageContaining(probe.reason())
                .hasMessageContaining("--backend qemu");
        assertThat(new KvmBackend().name()).isEqualTo("kvm");
    }
}
