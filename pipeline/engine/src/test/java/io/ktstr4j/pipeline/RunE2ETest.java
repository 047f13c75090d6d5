package io.ktstr4j.pipeline;

import io.ktstr4j.vmm.VmBackend;
import io.ktstr4j.vmm.qemu.QemuBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** One run end to end through the QEMU backend (TCG here, in CI). */
@Tag("e2e")
class RunE2ETest extends RunContract {

    @BeforeAll
    static void needsQemu() {
        Assumptions.assumeTrue(QemuBackend.findQemu().isPresent(), "qemu-system-x86_64 is not installed");
    }

    @Override
    VmBackend backend() {
        return new QemuBackend();
    }
}
