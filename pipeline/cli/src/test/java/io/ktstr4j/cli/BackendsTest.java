package io.ktstr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.vmm.KvmProbe;
import io.ktstr4j.vmm.VmConfigException;
import org.junit.jupiter.api.Test;

class BackendsTest {

    private static final KvmProbe.Result REAL_KVM = new KvmProbe.Result(true, "real kvm");
    private static final KvmProbe.Result PVM = new KvmProbe.Result(false, "/dev/kvm is PVM");

    @Test
    void autoPicksTheJavaVmmOnlyWhereKvmCanRunAStandardGuest() {
        Backends.Decision d = Backends.decide(Backends.Request.AUTO, REAL_KVM, true, true);
        assertThat(d.backend()).isEqualTo("kvm");
        assertThat(d.reason()).contains("real kvm");

        d = Backends.decide(Backends.Request.AUTO, PVM, true, true);
        assertThat(d.backend()).isEqualTo("qemu");
        assertThat(d.qemuUsesKvm()).isFalse();
        assertThat(d.reason()).contains("TCG").contains("PVM");
    }

    @Test
    void autoUsesQemuWithKvmWhenTheJavaVmmIsMissing() {
        Backends.Decision d = Backends.decide(Backends.Request.AUTO, REAL_KVM, true, false);
        assertThat(d.backend()).isEqualTo("qemu");
        assertThat(d.qemuUsesKvm()).isTrue();
    }

    @Test
    void autoWithNothingUsableSaysWhatIsMissing() {
        assertThatThrownBy(() -> Backends.decide(Backends.Request.AUTO, PVM, false, true))
                .isInstanceOf(VmConfigException.class)
                .hasMessageContaining("PVM").hasMessageContaining("apt-get install qemu-system-x86");
    }

    @Test
    void explicitKvmOnPvmIsRefusedWithTheReason() {
        assertThatThrownBy(() -> Backends.decide(Backends.Request.KVM, PVM, true, true))
                .isInstanceOf(VmConfigException.class).hasMessageContaining("PVM").hasMessageContaining("--backend qemu");
        assertThatThrownBy(() -> Backends.decide(Backends.Request.KVM, REAL_KVM, true, false))
                .isInstanceOf(VmConfigException.class).hasMessageContaining("io.ktstr4j.vmm.kvm.KvmBackend");
        assertThat(Backends.decide(Backends.Request.KVM, REAL_KVM, false, true).backend()).isEqualTo("kvm");
    }

    @Test
    void explicitQemuUsesKvmAccelerationWhereItWorks() {
        assertThat(Backends.decide(Backends.Request.QEMU, REAL_KVM, true, true).qemuUsesKvm()).isTrue();
        assertThat(Backends.decide(Backends.Request.QEMU, PVM, true, true).qemuUsesKvm()).isFalse();
        assertThatThrownBy(() -> Backends.decide(Backends.Request.QEMU, REAL_KVM, false, true))
                .isInstanceOf(VmConfigException.class).hasMessageContaining("qemu-system-x86_64 not found");
    }

    @Test
    void requestParsing() {
        assertThat(Backends.Request.parse("QEMU")).isEqualTo(Backends.Request.QEMU);
        assertThat(Backends.Request.parse(null)).isEqualTo(Backends.Request.AUTO);
        assertThatThrownBy(() -> Backends.Request.parse("firecracker"))
                .isInstanceOf(VmConfigException.class).hasMessageContaining("auto, kvm, qemu");
    }

    @Test
    void probeRejectsPvmEvenThoughDevKvmOpens() {
        KvmProbe.Result r = KvmProbe.evaluate(new KvmProbe.Facts(true, true, null, 12, true, true, false));
        assertThat(r.usable()).isFalse();
        assertThat(r.reason()).contains("PVM").contains("/sys/module/kvm_pvm");
    }

    @Test
    void probeDecisionForEachMissingPiece() {
        assertThat(KvmProbe.evaluate(new KvmProbe.Facts(false, false, null, -1, false, false, true)).reason())
                .contains("does not exist");
        assertThat(KvmProbe.evaluate(new KvmProbe.Facts(true, false, "errno 13", -1, false, false, true)).reason())
                .contains("errno 13").contains("kvm group");
        assertThat(KvmProbe.evaluate(new KvmProbe.Facts(true, true, null, 11, true, false, true)).reason())
                .contains("API version 11");
        assertThat(KvmProbe.evaluate(new KvmProbe.Facts(true, true, null, 12, true, false, false)).reason())
                .contains("vmx/svm");
        assertThat(KvmProbe.evaluate(new KvmProbe.Facts(true, true, null, 12, false, false, true)).reason())
                .contains("KVM_CREATE_VM");
        KvmProbe.Result ok = KvmProbe.evaluate(new KvmProbe.Facts(true, true, null, 12, true, false, true));
        assertThat(ok.usable()).isTrue();
    }

    @Test
    void thisHostIsProbedWithAReason() {
        KvmProbe.Result r = KvmProbe.probe();
        assertThat(r.reason()).isNotBlank();
        if (java.nio.file.Files.exists(java.nio.file.Path.of("/sys/module/kvm_pvm"))) {
            assertThat(r.usable()).isFalse();
        }
    }
}
