package io.ktstr4j.pipeline;

import io.ktstr4j.vmm.VmBackend;
import io.ktstr4j.vmm.qemu.QemuBackend;
import org.junit.jupiter.api.Tag;

/** The monitor in a real run on the QEMU backend (TCG here, in CI): guest RAM from QEMU's shared memory file. */
@Tag("e2e")
class MonitorE2ETest extends MonitorContract {

    @Override
    VmBackend backend() {
        return new QemuBackend();
    }

    @Override
    String backendUnavailable() {
        return QemuBackend.findQemu().isPresent() ? null : "qemu-system-x86_64 is not installed";
    }
}
