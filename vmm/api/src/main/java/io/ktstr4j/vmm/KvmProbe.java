package io.ktstr4j.vmm;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import io.ktstr4j.vmm.nativelib.KvmIoctls;
import io.ktstr4j.vmm.nativelib.LibC;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Whether this host's KVM can run a standard Linux guest. Opening {@code /dev/kvm} is not enough: a PVM host
 * ("Pagetable-based Virtual Machine", module {@code kvm_pvm}) opens it and even runs a tiny real-mode guest, but a
 * stock kernel never gets past its decompressor there. So the probe also needs API version 12, a VM that can be
 * created, no {@code kvm_pvm} module, and hardware virtualization ({@code vmx}/{@code svm}) in /proc/cpuinfo.
 */
public final class KvmProbe {

    /** What the probe looked at; {@link #evaluate(Facts)} turns these into a decision (pure, testable). */
    public record Facts(
            boolean devKvmPresent,
            boolean devKvmOpens,
            String openError,
            int apiVersion,
            boolean createVmWorks,
            boolean pvmModuleLoaded,
            boolean cpuHasVmxOrSvm) {}

    /** The decision and, always, the reason in words. */
    public record Result(boolean usable, String reason) {}

    private static final Pattern VIRT_FLAG = Pattern.compile("^flags\\s*:.*\\b(vmx|svm)\\b", Pattern.MULTILINE);

    private static volatile Result cached;

    private KvmProbe() {}

    /** Probes this host once and caches the answer. */
    public static Result probe() {
        Result r = cached;
        if (r == null) {
            r = evaluate(gather(Path.of("/dev/kvm"), Path.of("/sys/module/kvm_pvm"), Path.of("/proc/cpuinfo")));
            cached = r;
        }
        return r;
    }

    public static Result evaluate(Facts f) {
        if (!f.devKvmPresent()) {
            return new Result(false, "/dev/kvm does not exist (no KVM on this host)");
        }
        if (!f.devKvmOpens()) {
            return new Result(false, "/dev/kvm cannot be opened: " + f.openError()
                    + " (run as a user in the kvm group or as root)");
        }
        if (f.apiVersion() != KvmIoctls.KVM_API_VERSION) {
            return new Result(false,
                    "/dev/kvm reports API version " + f.apiVersion() + ", expected " + KvmIoctls.KVM_API_VERSION);
        }
        if (f.pvmModuleLoaded()) {
            return new Result(false, "/dev/kvm is PVM (/sys/module/kvm_pvm is present): it cannot boot a standard"
                    + " Linux guest");
        }
        if (!f.cpuHasVmxOrSvm()) {
            return new Result(false, "the CPU shows no vmx/svm flag in /proc/cpuinfo (no hardware virtualization)");
        }
        if (!f.createVmWorks()) {
            return new Result(false, "/dev/kvm opens but KVM_CREATE_VM fails");
        }
        return new Result(true, "/dev/kvm opens, API version 12, VM creation works, not PVM, CPU has vmx/svm");
    }

    static Facts gather(Path devKvm, Path pvmModule, Path cpuinfo) {
        boolean present = Files.exists(devKvm);
        boolean opens = false;
        String openError = null;
        int api = -1;
        boolean createVm = false;
        if (present) {
            int fd = -1;
            try {
                fd = LibC.INSTANCE.open(devKvm.toString(), LibC.O_RDWR | LibC.O_CLOEXEC);
            } catch (LastErrorException e) {
                openError = "errno " + e.getErrorCode();
            }
            if (fd >= 0) {
                opens = true;
                try {
                    api = ioctl(fd, KvmIoctls.KVM_GET_API_VERSION);
                    int vm = ioctl(fd, KvmIoctls.KVM_CREATE_VM);
                    if (vm >= 0) {
                        createVm = true;
                        close(vm);
                    }
                } finally {
                    close(fd);
                }
            }
        }
        boolean virt;
        try {
            virt = Files.exists(cpuinfo) && VIRT_FLAG.matcher(Files.readString(cpuinfo)).find();
        } catch (IOException e) {
            virt = false;
        }
        return new Facts(present, opens, openError, api, createVm, Files.exists(pvmModule), virt);
    }

    /** The ioctl's result, or -1 when it fails (the probe only asks whether it works). */
    private static int ioctl(int fd, long request) {
        try {
            return LibC.INSTANCE.ioctl(fd, new NativeLong(request), 0L);
        } catch (LastErrorException e) {
            return -1;
        }
    }

    private static void close(int fd) {
        try {
            LibC.INSTANCE.close(fd);
        } catch (LastErrorException e) {
            // nothing to do about a failed close of a probe fd
        }
    }
}
