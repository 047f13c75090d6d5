package io.ktstr4j.vmm.kvm;

import io.ktstr4j.schemas.event.VmExited;
import io.ktstr4j.vmm.KvmProbe;
import io.ktstr4j.vmm.VmBackend;
import io.ktstr4j.vmm.channel.AgentVmContract;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * The agent's contract on the Java VMM: the SHM ring in guest memory this VMM maps, COM2 through its UART, the
 * reboot through its i8042. Runs inside ../shared/rig/kvm-rig (scripts/rig/run-rig-tests.sh).
 */
@Tag("rig")
class AgentKvmRigTest extends AgentVmContract {

    @BeforeAll
    static void kvmUsable() {
        KvmProbe.Result probe = KvmProbe.probe();
        Assumptions.assumeTrue(probe.usable(), "KVM not usable here: " + probe.reason());
    }

    @Override
    protected VmBackend backend() {
        return new KvmBackend();
    }

    /** The rig's nested-virtualization faults (a reset or a hang, see KvmRigTest#bootInRig) are booted again. */
    @Override
    protected boolean bootAgain(VmExited exit, int attempt) {
        return KvmRigTest.isRigFault(exit) && attempt < KvmRigTest.RIG_ATTEMPTS;
    }
}
