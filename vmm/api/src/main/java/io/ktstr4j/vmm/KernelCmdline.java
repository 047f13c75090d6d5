package io.ktstr4j.vmm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The guest kernel command line: ktstr's fixed guest contract, adapted to the backend's clock and firmware, then the
 * user's extra arguments. Both backends (the Java KVM VMM and QEMU) build it here so the guest sees one contract.
 *
 * <p>User arguments may not override what the harness relies on: {@code nokaslr} (the monitor resolves kernel
 * symbols at their link addresses), {@code console=}/{@code loglevel=} (COM1 carries the console the host parses),
 * {@code init=}/{@code rdinit=} (the agent must be PID 1), {@code memmap=} (the SHM ring reservation) and every
 * {@code KTSTR_*} variable (the agent's configuration).
 */
public final class KernelCmdline {

    /** How the guest keeps time. Under TCG there is no kvm-clock, and PIT calibration can hang a busy host. */
    public enum Clock {
        /** Real KVM (Java VMM or QEMU -accel kvm): the paravirtual clock, as ktstr does. */
        KVM_CLOCK,
        /** QEMU/TCG: the TSC runs at the host's rate, so take its frequency from the host and trust it. */
        TSC_FROM_HOST
    }

    /** How the guest resets the machine on reboot and on panic ({@code panic=-1} reboots at once). */
    public enum Reboot {
        /** Through the i8042 keyboard controller, as ktstr does; needs an i8042 (Java VMM, QEMU pc). */
        KEYBOARD("k"),
        /** A triple fault: for machines without an i8042 (QEMU microvm), where reboot=k ends in a hang. */
        TRIPLE_FAULT("t");

        private final String arg;

        Reboot(String arg) {
            this.arg = arg;
        }

        public String karg() {
            return "reboot=" + arg;
        }
    }

    /** The fixed part of ktstr's guest contract, minus the clocksource and reboot method (chosen per backend, see {@link Clock}). */
    static final List<String> FIXED = List.of(
            "console=ttyS0",
            "nomodules",
            "mitigations=off",
            "no_timer_check",
            "random.trust_cpu=on",
            "swiotlb=noforce",
            "i8042.noaux",
            "i8042.nomux",
            "i8042.nopnp",
            "i8042.dumbkbd",
            "pci=off",
            "panic=-1",
            "iomem=relaxed",
            "nokaslr",
            "lockdown=none",
            "sysctl.kernel.unprivileged_bpf_disabled=0",
            "sysctl.kernel.sched_schedstats=1");

    /** The console log level when not verbose: KERN_EMERG messages (panics) only. */
    public static final int QUIET_LOGLEVEL = 1;

    private KernelCmdline() {}

    public static Builder builder() {
        return new Builder();
    }

    /** Options of one command line; every setter returns the builder. */
    public static final class Builder {
        private Clock clock = Clock.KVM_CLOCK;
        private Reboot reboot = Reboot.KEYBOARD;
        private long tscKhz;
        private boolean verbose;
        private boolean numaBalancing;
        private ShmRegion shm;
        private boolean reserveShmWithMemmap;
        private String topologyLabel;
        private final List<String> backendArgs = new ArrayList<>();
        private final List<String> userArgs = new ArrayList<>();

        private Builder() {}

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder reboot(Reboot reboot) {
            this.reboot = reboot;
            return this;
        }

        /** The TSC frequency in kHz for {@link Clock#TSC_FROM_HOST} ({@code tsc_early_khz=}); 0 = let the kernel calibrate. */
        public Builder tscKhz(long khz) {
            this.tscKhz = khz;
            return this;
        }

        /** Kernel messages at loglevel 7 plus early printk, instead of emergency messages only. */
        public Builder verbose(boolean verbose) {
            this.verbose = verbose;
            return this;
        }

        public Builder numaBalancing(boolean enabled) {
            this.numaBalancing = enabled;
            return this;
        }

        /**
         * The SHM ring region, passed as {@code KTSTR_SHM_BASE}/{@code KTSTR_SHM_SIZE}. With {@code reserveWithMemmap}
         * the region is also hidden from the guest's allocator by {@code memmap=SIZE$BASE}, for VMMs (QEMU) whose
         * firmware reports it as RAM; the Java VMM leaves it out of the E820 map instead.
         */
        public Builder shm(ShmRegion shm, boolean reserveWithMemmap) {
            this.shm = shm;
            this.reserveShmWithMemmap = reserveWithMemmap;
            return this;
        }

        /** The topology label ({@code KTSTR_TOPO=}), or null for none. */
        public Builder topologyLabel(String label) {
            this.topologyLabel = label;
            return this;
        }

        /** Arguments the backend itself needs (e.g. {@code virtio_mmio.device=}); not checked against the protected list. */
        public Builder backendArg(String arg) {
            checkToken(arg, "backend argument");
            backendArgs.add(arg);
            return this;
        }

        /** The user's extra kernel arguments, appended last. Protected ones are refused by {@link #build()}. */
        public Builder userArgs(List<String> args) {
            userArgs.addAll(args);
            return this;
        }

        /** The command line; throws {@link VmConfigException} naming a refused user argument. */
        public String build() {
            validateUserArgs(userArgs);
            List<String> out = new ArrayList<>(FIXED);
            out.add(reboot.karg());
            switch (clock) {
                case KVM_CLOCK -> out.add("clocksource=kvm-clock");
                case TSC_FROM_HOST -> {
                    // No kvm-clock under TCG. The emulated TSC follows the host's, so it is stable across vCPUs;
                    // trusting it keeps the clocksource watchdog from switching to a slow emulated HPET under load,
                    // and tsc_early_khz skips PIT calibration, which hangs about 1 boot in 10 on a busy host.
                    out.add("clocksource=tsc");
                    out.add("tsc=reliable");
                    if (tscKhz > 0) {
                        out.add("tsc_early_khz=" + tscKhz);
                    }
                }
                default -> throw new IllegalStateException("clock " + clock);
            }
            if (verbose) {
                out.add("earlyprintk=serial");
                out.add("loglevel=7");
            } else {
                // ktstr uses loglevel=0, which also hides "Kernel panic - not syncing" (printed at KERN_EMERG, and
                // panic() does not raise the console level): the host could not tell a panic from a reboot.
                // loglevel=1 prints KERN_EMERG only, i.e. in practice nothing but the panic.
                out.add("loglevel=" + QUIET_LOGLEVEL);
            }
            out.add("rdinit=/init");
            out.add("initramfs_options=size=90%");
            out.add(numaBalancing ? "numa_balancing=enable" : "numa_balancing=disable");
            out.addAll(backendArgs);
            if (shm != null && shm.size() > 0) {
                if (reserveShmWithMemmap) {
                    out.add("memmap=0x" + Long.toHexString(shm.size()) + "$0x" + Long.toHexString(shm.guestPhysBase()));
                }
                out.add("KTSTR_SHM_BASE=0x" + Long.toHexString(shm.guestPhysBase()));
                out.add("KTSTR_SHM_SIZE=0x" + Long.toHexString(shm.size()));
            }
            if (topologyLabel != null) {
                checkToken(topologyLabel, "topology label");
                out.add("KTSTR_TOPO=" + topologyLabel);
            }
            out.add("KTSTR_MODE=run");
            out.addAll(userArgs);
            return String.join(" ", out);
        }
    }

    /**
     * Refuses user kernel arguments that would break the guest contract, with a message naming the argument.
     *
     * @throws VmConfigException for a protected, empty or whitespace-containing argument
     */
    public static void validateUserArgs(List<String> args) {
        for (String arg : args) {
            checkToken(arg, "kernel argument");
            String key = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String lower = key.toLowerCase(Locale.ROOT);
            String why = switch (lower) {
                case "nokaslr", "kaslr" -> "the monitor needs the kernel at its link address (nokaslr is always set)";
                case "console" -> "COM1 (ttyS0) carries the kernel console the host parses";
                case "loglevel" -> "the log level follows VmConfig.verbose";
                case "init", "rdinit" -> "the guest agent must run as PID 1 from /init";
                case "memmap" -> "memmap= reserves the SHM ring region";
                default -> key.startsWith("KTSTR_") ? "KTSTR_* variables are the guest agent's configuration" : null;
            };
            if (why != null) {
                throw new VmConfigException("kargs: '" + arg + "' is protected and cannot be set by a test: " + why);
            }
        }
    }

    private static void checkToken(String arg, String what) {
        if (arg == null || arg.isBlank()) {
            throw new VmConfigException("kargs: empty " + what);
        }
        for (int i = 0; i < arg.length(); i++) {
            char ch = arg.charAt(i);
            if (Character.isWhitespace(ch) || ch < 0x20) {
                throw new VmConfigException("kargs: " + what + " '" + arg
                        + "' contains whitespace or a control character; pass one argument per list element");
            }
        }
    }
}
