package io.ktstr4j.cli;

import io.ktstr4j.vmm.KvmProbe;
import io.ktstr4j.vmm.VmBackend;
import io.ktstr4j.vmm.VmConfigException;
import io.ktstr4j.vmm.kvm.KvmBackend;
import io.ktstr4j.vmm.qemu.QemuBackend;
import io.ktstr4j.vmm.qemu.QemuOptions;
import java.util.Locale;

/**
 * {@code --backend auto|kvm|qemu}: which {@link VmBackend} runs the VMs, and why.
 *
 * <p>{@code auto} takes the Java KVM VMM only where KVM can run a standard guest ({@link KvmProbe}: opening
 * /dev/kvm is not enough, a PVM host opens it but cannot boot Linux) and QEMU everywhere else. The reason is always
 * given in words, so a run's log says e.g. "qemu (TCG): /dev/kvm is PVM ...".
 */
public final class Backends {

    /** What the user asked for. */
    public enum Request {
        AUTO, KVM, QEMU;

        /** Parses {@code auto}, {@code kvm} or {@code qemu} (any case). */
        public static Request parse(String s) {
            if (s == null || s.isBlank()) {
                return AUTO;
            }
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new VmConfigException("--backend: '" + s + "' is not one of auto, kvm, qemu");
            }
        }
    }

    /** The decision: backend name ({@code kvm} or {@code qemu}), whether QEMU uses KVM, and why. */
    public record Decision(String backend, boolean qemuUsesKvm, String reason) {}

    /** A ready backend plus the decision that chose it. */
    public record Selection(VmBackend backend, Decision decision) {
        public String reason() {
            return decision.reason();
        }
    }

    static final String KVM_BACKEND_CLASS = "io.ktstr4j.vmm.kvm.KvmBackend";

    private Backends() {}

    /** Resolves {@code --backend} on this host. */
    public static Selection select(String request) {
        // The CLI module depends on vmm-kvm, so the Java VMM is always there; decide() keeps the case for embedders.
        Decision d = decide(Request.parse(request), KvmProbe.probe(), QemuBackend.findQemu().isPresent(), true);
        VmBackend backend = d.backend().equals("kvm")
                ? new KvmBackend()
                : new QemuBackend(QemuOptions.defaults()
                        .withAccel(d.qemuUsesKvm() ? QemuOptions.Accel.KVM : QemuOptions.Accel.TCG));
        return new Selection(backend, d);
    }

    /**
     * The pure decision, from what the host offers.
     *
     * @param kvm               the KVM probe's answer
     * @param qemuFound         qemu-system-x86_64 is installed
     * @param kvmBackendPresent the Java KVM VMM is on the class path
     * @throws VmConfigException when the request cannot be met, saying what is missing and how to fix it
     */
    public static Decision decide(Request request, KvmProbe.Result kvm, boolean qemuFound, boolean kvmBackendPresent) {
        switch (request) {
            case KVM -> {
                if (!kvm.usable()) {
                    throw new VmConfigException("--backend kvm: KVM cannot run a standard guest here: " + kvm.reason()
                            + (qemuFound ? "; use --backend qemu (or auto)" : ""));
                }
                if (!kvmBackendPresent) {
                    throw new VmConfigException("--backend kvm: the Java KVM VMM (" + KVM_BACKEND_CLASS
                            + ") is not on the class path");
                }
                return new Decision("kvm", false, "requested --backend kvm; " + kvm.reason());
            }
            case QEMU -> {
                if (!qemuFound) {
                    throw new VmConfigException("--backend qemu: qemu-system-x86_64 not found; install QEMU (Debian/"
                            + "Ubuntu: apt-get install qemu-system-x86) or set $KTSTR_QEMU");
                }
                return kvm.usable()
                        ? new Decision("qemu", true, "requested --backend qemu; QEMU uses KVM: " + kvm.reason())
                        : new Decision("qemu", false, "requested --backend qemu; QEMU uses TCG (no usable KVM: "
                                + kvm.reason() + ")");
            }
            case AUTO -> {
                if (kvm.usable() && kvmBackendPresent) {
                    return new Decision("kvm", false, "auto: KVM can run a standard guest (" + kvm.reason()
                            + "), so the Java KVM VMM");
                }
                if (!qemuFound) {
                    throw new VmConfigException("--backend auto: no way to run a VM here. KVM: " + kvm.reason()
                            + (kvm.usable() ? " but the Java KVM VMM is not on the class path" : "")
                            + "; QEMU: qemu-system-x86_64 not found (Debian/Ubuntu: apt-get install"
                            + " qemu-system-x86, or set $KTSTR_QEMU)");
                }
                if (kvm.usable()) {
                    return new Decision("qemu", true, "auto: the Java KVM VMM is not on the class path, so QEMU"
                            + " with KVM (" + kvm.reason() + ")");
                }
                return new Decision("qemu", false, "auto: no usable KVM (" + kvm.reason() + "), so QEMU with TCG");
            }
            default -> throw new IllegalStateException("request " + request);
        }
    }
}
