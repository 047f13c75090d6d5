package io.ktstr4j.vmm;

import com.sun.jna.Library;
import com.sun.jna.Native;
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

    static final int KVM_API_VERSION = 12;
    private static final int KVM_GET_API_VERSION = 0xAE00;
    private static final int KVM_CREATE_VM = 0xAE01;
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
        if (f.apiVersion() != KVM_API_VERSION) {
            return new Result(false, "/dev/kvm reports API version " + f.apiVersion() + ", expected " + KVM_API_VERSION);
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

    interface CLib extends Library {
        CLib INSTANCE = Native.load("c", CLib.class);

        int open(String path, int flags);

        int ioctl(int fd, long request, long arg);

        int close(int fd);
    }

    static Facts gather(Path devKvm, Path pvmModule, Path cpuinfo) {
        boolean present = Files.exists(devKvm);
        boolean opens = false;
        String openError = null;
        int api = -1;
        boolean createVm = false;
        if (present) {
            int fd = CLib.INSTANCE.open(devKvm.toString(), 02 | 02000000); // O_RDWR | O_CLOEXEC
            if (fd < 0) {
                openError = "errno " + Native.getLastError();
            } else {
                opens = true;
                try {
                    api = CLib.INSTANCE.ioctl(fd, KVM_GET_API_VERSION, 0);
                    int vm = CLib.INSTANCE.ioctl(fd, KVM_CREATE_VM, 0);
                    if (vm >= 0) {
                        createVm = true;
                        CLib.INSTANCE.close(vm);
                    }
                } finally {
                    CLib.INSTANCE.close(fd);
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
}
