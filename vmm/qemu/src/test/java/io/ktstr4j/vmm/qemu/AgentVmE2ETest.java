package io.ktstr4j.vmm.qemu;

import io.ktstr4j.vmm.VmBackend;
import io.ktstr4j.vmm.channel.AgentVmContract;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** The agent's contract on the QEMU backend (TCG here, in CI). */
@Tag("e2e")
class AgentVmE2ETest extends AgentVmContract {

    @BeforeAll
    static void qemuInstalled() {
        Assumptions.assumeTrue(QemuBackend.findQemu().isPresent(), "qemu-system-x86_64 not installed");
    }

    @Override
    protected VmBackend backend() {
        return new QemuBackend();
    }
}
