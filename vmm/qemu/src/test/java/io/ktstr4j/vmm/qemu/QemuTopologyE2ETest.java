package io.ktstr4j.vmm.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.ConsoleLine;
import io.ktstr4j.schemas.event.ExitReason;
import io.ktstr4j.schemas.event.VmEvent;
import io.ktstr4j.schemas.event.VmExited;
import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.schemas.topology.TopologyPresets;
import io.ktstr4j.vmm.TopologyProbe;
import io.ktstr4j.vmm.Vm;
import io.ktstr4j.vmm.VmConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Boots the shared kernel under QEMU/TCG with the topology probe and compares the guest's view with the preset. */
@Tag("e2e")
class QemuTopologyE2ETest {

    static final Path KERNEL = Path.of(System.getProperty("ktstr.kernel",
            "/work/shared/kernels/6.12.117-scx/bzImage"));

    @TempDir
    static Path dir;
    static Path initramfs;

    @BeforeAll
    static void setUp() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(KERNEL), "no kernel at " + KERNEL + " (set -Dktstr.kernel=...)");
        Assumptions.assumeTrue(QemuBackend.findQemu().isPresent(), "qemu-system-x86_64 not installed");
        Assumptions.assumeTrue(TopologyProbe.available(), "busybox-static not installed (/bin/busybox)");
        initramfs = TopologyProbe.writeInitramfs(dir.resolve("probe.cpio"));
    }

    static TopologyProbe.GuestView boot(Topology t, QemuBackend backend) {
        VmConfig cfg = new VmConfig(KERNEL, List.of(initramfs), t, 512, List.of(), VmConfig.DEFAULT_SHM_BYTES,
                Duration.ofSeconds(60), false);
        try (Vm vm = backend.create(cfg)) {
            List<VmEvent> events = vm.events().collectList().block(Duration.ofMinutes(5));
            VmExited exit = (VmExited) events.get(events.size() - 1);
            List<String> lines = events.stream().filter(e -> e instanceof ConsoleLine)
                    .map(e -> ((ConsoleLine) e).line()).toList();
            assertThat(exit.reason()).as("exit of %s: %s; console: %s", t, exit.detail(), lines)
                    .isEqualTo(ExitReason.REBOOT);
            return TopologyProbe.parse(lines);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-1llc", "tiny-2llc", "smt-2llc", "numa2-4llc"})
    void guestSeesTheDeclaredTopology(String preset) {
        Topology t = TopologyPresets.resolve(preset);
        TopologyProbe.GuestView v = boot(t, new QemuBackend());
        System.out.println(preset + " (" + t.label() + "): packages " + v.packages() + ", smt " + v.smtGroups()
                + ", L" + v.llcLevel() + " " + v.llcGroups() + ", nodes " + v.nodeCpus() + ", distances "
                + v.distances() + "; mismatches " + v.mismatches(t));
        assertThat(v.complete()).isTrue();
        assertThat(v.mismatches(t)).isEmpty();
        // This backend gives each LLC its own QEMU socket, so the guest's packages are the LLCs.
        assertThat(v.packages()).isEqualTo(v.llcGroups().stream().map(java.util.TreeSet::new)
                .sorted((a, b) -> Integer.compare(a.first(), b.first())).collect(
                        java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new)));
    }
}
