package io.ktstr4j.vmm.kvm;

import io.ktstr4j.schemas.event.ConsoleLine;
import io.ktstr4j.schemas.event.ExitReason;
import io.ktstr4j.schemas.event.KernelLoaded;
import io.ktstr4j.schemas.event.VcpuStarted;
import io.ktstr4j.schemas.event.VmCreated;
import io.ktstr4j.vmm.ShmRegion;
import io.ktstr4j.vmm.boot.KernelLoader;
import io.ktstr4j.vmm.console.GuestConsole;
import io.ktstr4j.vmm.devices.I8042;
import io.ktstr4j.vmm.devices.PortIoBus;
import io.ktstr4j.vmm.devices.Uart8250;
import io.ktstr4j.vmm.hooks.KvmStatsFile;
import io.ktstr4j.vmm.hooks.MonitorHooks;
import io.ktstr4j.vmm.hooks.VcpuRegisters;
import io.ktstr4j.vmm.lifecycle.VmLifecycle;
import io.ktstr4j.vmm.x86.CpuTopology;
import io.ktstr4j.vmm.x86.Cpuid;
import io.ktstr4j.vmm.x86.CpuidEntry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One KVM VM on the common {@link VmLifecycle}: its thread builds the VM, loads the kernel and starts one platform
 * thread per vCPU blocking in KVM_RUN. The first stop request wins (guest reset/shutdown, panic, watchdog, cancel,
 * error): vCPUs get {@code immediate_exit} plus a signal, the threads are joined and every fd is closed. Guest RAM stays
 * mapped after a guest-initiated exit (so the host can drain the SHM ring) until {@link #close()}; a cancel releases
 * it at once.
 *
 * <p>Memory a live vCPU thread may touch is never unmapped: a vCPU thread that does not leave KVM_RUN within
 * {@link #JOIN_TIMEOUT_MS} of the stop keeps its VM's kvm_run pages, fds and guest RAM mapped for the rest of the
 * JVM's life (counted by {@link #leakedVms()} and logged as an error) rather than risk a SIGSEGV of the JVM.
 */
final class KvmVm extends VmLifecycle<KvmGuestMemory> {
    private static final Logger LOG = LoggerFactory.getLogger(KvmVm.class);
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final AtomicLong LEAKED = new AtomicLong();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** How long a stopped VM waits for its vCPU threads to leave KVM_RUN before it leaks rather than unmaps. */
    static final long JOIN_TIMEOUT_MS = 10_000;

    private final KvmBackend.Plan plan;
    private final CpuTopology topo;
    private final int id;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final List<VcpuFd> vcpus = new ArrayList<>();
    private final VcpuThreads vcpuThreads = new VcpuThreads(VcpuThreads.PTHREAD);
    private volatile boolean leaked;
    private final GuestConsole console = new GuestConsole();
    private final VcpuPauser pauser = new VcpuPauser(this::kickAll, () -> stopRequest() != null);

    KvmVm(KvmBackend.Plan plan) {
        this(plan, IDS.incrementAndGet());
    }

    private KvmVm(KvmBackend.Plan plan, int id) {
        super("kvm-vm-" + id);
        this.plan = plan;
        this.topo = plan.topology();
        this.id = id;
    }

    @Override
    public ShmRegion shm() {
        return new ShmRegion(plan.ram().shmBase(), plan.ram().shmBytes());
    }

    @Override
    public String cmdline() {
        return plan.image().cmdlineString();
    }

    /** VMs of this JVM whose vCPU threads never left KVM_RUN, so their memory stays mapped (never unmapped under them). */
    static long leakedVms() {
        return LEAKED.get();
    }

    /**
     * immediate_exit on every open vCPU plus a signal to each vCPU thread still in its loop: every KVM_RUN returns
     * soon. Closed vCPUs have left the list and exited threads have withdrawn their ids, so this never writes to an
     * unmapped kvm_run page nor signals a thread that is gone.
     */
    private void kickAll() {
        synchronized (vcpus) {
            for (VcpuFd v : vcpus) {
                v.setImmediateExit(true);
            }
        }
        vcpuThreads.kickAll();
    }

    /**
     * The monitor's view of the VMM: a freezer that parks the vCPU threads outside KVM_RUN, each vCPU thread's CPU time
     * (ThreadMXBean, ns), and CR3/CR4 through KVM_GET_SREGS while frozen (a running vCPU would block the ioctl).
     */
    @Override
    public MonitorHooks monitorHooks() {
        return new MonitorHooks(pauser, this::vcpuCpuTimeNs, new VcpuRegisters() {
            @Override
            public OptionalLong cr3(int vcpu) {
                return sreg(vcpu, KvmStructs.SREGS_CR3);
            }

            @Override
            public OptionalLong cr4(int vcpu) {
                return sreg(vcpu, KvmStructs.SREGS_CR4);
            }
        }, "kvm-park", this::statsFile);
    }

    private Optional<KvmStatsFile> statsFile(int vcpu) {
        synchronized (vcpus) {
            if (vcpu < 0 || vcpu >= vcpus.size() || stopRequest() != null) {
                return Optional.empty();
            }
            return vcpus.get(vcpu).statsFile();
        }
    }

    private OptionalLong vcpuCpuTimeNs(int vcpu) {
        Thread t = vcpuThreads.thread(vcpu);
        if (t == null || !t.isAlive() || !THREADS.isThreadCpuTimeSupported()) {
            return OptionalLong.empty();
        }
        long ns = THREADS.getThreadCpuTime(t.getId());
        return ns < 0 ? OptionalLong.empty() : OptionalLong.of(ns);
    }

    private OptionalLong sreg(int vcpu, int offset) {
        if (!pauser.frozen() || stopRequest() != null) {
            return OptionalLong.empty();
        }
        synchronized (vcpus) {
            if (vcpu < 0 || vcpu >= vcpus.size()) {
                return OptionalLong.empty();
            }
            try {
                return OptionalLong.of(KvmStructs.le(vcpus.get(vcpu).getSregs()).getLong(offset));
            } catch (KvmException e) {
                return OptionalLong.empty(); // closed meanwhile
            }
        }
    }

    /** The first stop request (the lifecycle takes it once) decides the exit reason; every vCPU leaves KVM_RUN soon. */
    @Override
    protected void onStop(Stop stop) {
        kickAll();
        stopRequested.countDown();
    }

    @Override
    protected Integer guestExitCode() {
        return console.exitCode();
    }

    @Override
    protected Stop run() {
        Kvm kvm = null;
        VmFd vm = null;
        try {
            VcpuKicker.install();
            kvm = Kvm.open();
            List<CpuidEntry> supported = kvm.supportedCpuid();
            markCreated();
            vm = kvm.createVm();
            vm.setupX86();
            KvmGuestMemory memory = new KvmGuestMemory(plan.ram());
            memoryReady(memory);
            memory.register(vm);
            VmFd vmf = vm;
            PortIoBus bus = new PortIoBus();
            ConsoleLines com1 = new ConsoleLines(l -> line(ConsoleLine.COM1, l));
            ConsoleLines com2 = new ConsoleLines(l -> line(ConsoleLine.COM2, l));
            bus.register(Uart8250.COM1, 8, new Uart8250(com1, () -> vmf.pulseIrq(Uart8250.COM1_IRQ)));
            bus.register(Uart8250.COM2, 8, new Uart8250(com2, () -> vmf.pulseIrq(Uart8250.COM2_IRQ)));
            bus.register(I8042.DATA_PORT, 5, new I8042(() -> requestStop(resetReason(),
                    panicOr("guest reset through the i8042")),
                    () -> vmf.pulseIrq(I8042.IRQ)));
            for (int cpu = 0; cpu < topo.cpus(); cpu++) {
                // the vCPU id is the initial APIC ID, so the topology's APIC IDs are what the guest reads
                VcpuFd v = vm.createVcpu(topo.apicId(cpu));
                synchronized (vcpus) {
                    vcpus.add(v);
                }
                v.setCpuid(Cpuid.forVcpu(supported, topo, cpu));
                v.setMsrs(KvmStructs.bootMsrs());
                v.setFpu(KvmStructs.bootFpu());
                v.setLapic(KvmStructs.lapicWithLints(v.getLapic()));
            }
            emit(new VmCreated("kvm", topo.cpus(), plan.config().memoryMb(), plan.topologyLabel()));
            KernelLoader.Loaded loaded = KernelLoader.load(memory, plan.image(), plan.ram(), topo);
            VcpuFd bsp = vcpus.get(0);
            bsp.setSregs(KvmStructs.bootSregs(bsp.getSregs()));
            bsp.setRegs(KvmStructs.bootRegs(loaded.entry()));
            emit(new KernelLoaded(plan.image().kernelPath().toString(), plan.image().format(),
                    plan.image().kernelFileBytes(), loaded.initramfsBytes(), plan.image().cmdlineString()));
            for (int cpu = 0; cpu < topo.cpus() && stopRequest() == null; cpu++) {
                int c = cpu;
                Thread t = new Thread(() -> vcpuLoop(c, bus), "kvm-vm-" + id + "-vcpu-" + cpu);
                t.setDaemon(true);
                vcpuThreads.add(t);
                pauser.enter(); // counted before it starts, so a freeze waits for it
                t.start();
            }
            if (!stopRequested.await(plan.watchdog().toMillis(), TimeUnit.MILLISECONDS)) {
                requestStop(ExitReason.WATCHDOG_TIMEOUT, "VM still running after " + plan.watchdog());
            }
        } catch (InterruptedException e) {
            requestStop(ExitReason.ERROR, "VMM controller interrupted");
        } catch (Throwable e) {
            requestStop(ExitReason.ERROR, e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            List<String> stuck = joinVcpus();
            if (!stuck.isEmpty()) {
                // Closing a vCPU unmaps its kvm_run page and releasing unmaps guest RAM: under a thread that may still
                // touch them that is a SIGSEGV of the JVM. Keep them (and every fd of this VM) for good instead.
                leaked = true;
                long n = LEAKED.incrementAndGet();
                LOG.error("VM kvm-vm-{}: vCPU threads {} did not leave KVM_RUN within {} ms of the stop; leaking the VM's"
                        + " fds, kvm_run pages and {} MiB of guest RAM rather than unmapping under them ({} VMs leaked"
                        + " in this JVM)", id, stuck, JOIN_TIMEOUT_MS, plan.config().memoryMb(), n);
            } else {
                closeAll(kvm, vm);
            }
        }
        return stopRequest();
    }

    /** Every vCPU thread has exited: close the vCPUs, the VM and /dev/kvm, and unmap RAM nobody will read. */
    private void closeAll(Kvm kvm, VmFd vm) {
        synchronized (vcpus) {
            // Closed vCPUs leave the list: a freeze or kick after the guest ended must not touch their unmapped
            // kvm_run page (a write there is a SIGSEGV of the JVM).
            vcpus.forEach(VcpuFd::close);
            vcpus.clear();
        }
        if (vm != null) {
            vm.close();
        }
        if (kvm != null) {
            kvm.close();
        }
        // a cancelled VM has no one left to read its memory; a finished one keeps it for the SHM drain until close()
        if (stopRequest().reason() == ExitReason.CANCELLED || isClosed()) {
            release();
        }
    }

    private ExitReason resetReason() {
        return console.panicLine() != null ? ExitReason.PANIC : ExitReason.REBOOT;
    }

    /** A reset after a panic is the panic: the panic line is the detail. */
    private String panicOr(String detail) {
        String panicLine = console.panicLine();
        return panicLine != null ? panicLine : detail;
    }

    private void line(String port, String text) {
        console.observe(port, text);
        emit(new ConsoleLine(port, sinceCreatedNanos(), text));
    }

    private void vcpuLoop(int cpu, PortIoBus bus) {
        VcpuFd v;
        synchronized (vcpus) {
            v = cpu < vcpus.size() ? vcpus.get(cpu) : null;
            if (v != null) {
                vcpuThreads.started(cpu); // kicks reach this thread from now until exiting()
            }
        }
        if (v == null) {
            pauser.leave(); // outside the vcpus lock: a freeze holds the pauser's lock while it kicks (lock order)
            return; // the VM ended and released its vCPUs before this thread got going
        }
        try {
            if (stopRequest() != null) {
                return;
            }
            emit(new VcpuStarted(cpu, topo.apicId(cpu)));
            while (stopRequest() == null) {
                pauser.parkIfRequested();
                if (stopRequest() != null) {
                    break;
                }
                if (!pauser.requested()) {
                    v.setImmediateExit(false); // left set by a freeze's kick
                }
                int reason = v.run();
                switch (reason) {
                    case VcpuFd.EXIT_INTR -> { } // kicked, or a stray signal: the loop condition decides
                    case VcpuFd.EXIT_IO -> handleIo(v, bus);
                    case VcpuFd.EXIT_MMIO -> {
                        if (!v.mmioIsWrite()) {
                            v.mmioReadAllOnes();
                        }
                    }
                    case VcpuFd.EXIT_HLT -> requestStop(ExitReason.SHUTDOWN, "vCPU " + cpu + " halted");
                    case VcpuFd.EXIT_SHUTDOWN -> requestStop(resetReason(),
                            panicOr("triple fault on vCPU " + cpu + " (the guest reset itself)"));
                    case VcpuFd.EXIT_SYSTEM_EVENT -> {
                        int type = v.systemEventType();
                        switch (type) {
                            case VcpuFd.SYSTEM_EVENT_SHUTDOWN -> requestStop(ExitReason.SHUTDOWN, "guest powered off");
                            case VcpuFd.SYSTEM_EVENT_RESET -> requestStop(resetReason(),
                                    panicOr("guest reset through the i8042"));
                            case VcpuFd.SYSTEM_EVENT_CRASH -> requestStop(ExitReason.PANIC, "guest crash event");
                            default -> requestStop(ExitReason.ERROR, "unknown system event " + type);
                        }
                    }
                    case VcpuFd.EXIT_FAIL_ENTRY, VcpuFd.EXIT_INTERNAL_ERROR -> requestStop(ExitReason.ERROR,
                            "vCPU " + cpu + ": " + v.failureDetail(reason));
                    default -> requestStop(ExitReason.ERROR, "vCPU " + cpu + ": unexpected KVM exit reason " + reason);
                }
            }
        } catch (Throwable e) {
            requestStop(ExitReason.ERROR, "vCPU " + cpu + ": " + e.getMessage());
        } finally {
            vcpuThreads.exiting(cpu);
            pauser.leave();
        }
    }

    private static void handleIo(VcpuFd v, PortIoBus bus) {
        int port = v.ioPort();
        int size = v.ioSize();
        int count = v.ioCount();
        for (int i = 0; i < count; i++) {
            if (v.ioIsOut()) {
                bus.out(port, size, v.ioData(i));
            } else {
                v.setIoData(i, bus.in(port, size));
            }
        }
    }

    /**
     * Joins vCPU threads, kicking again while any is still in KVM_RUN (a signal may land before its handler matters).
     * Returns the threads still alive after {@link #JOIN_TIMEOUT_MS} (an interrupt ends the wait: those alive then).
     */
    private List<String> joinVcpus() {
        try {
            return vcpuThreads.join(JOIN_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return vcpuThreads.alive();
        }
    }

    /**
     * Unmaps guest RAM; idempotent (also called by the VM's thread when a cancel leaves nobody to read it). Never while
     * a vCPU thread lives: close() may give up waiting for the VM's thread, and a leaked VM keeps its RAM.
     */
    @Override
    protected void release() {
        KvmGuestMemory m = mappedMemory();
        if (m == null) {
            return;
        }
        List<String> alive = vcpuThreads.alive();
        if (leaked || !alive.isEmpty()) {
            LOG.warn("VM kvm-vm-{}: not unmapping guest RAM, vCPU threads {} are alive", id, alive);
            return;
        }
        m.close();
    }
}
