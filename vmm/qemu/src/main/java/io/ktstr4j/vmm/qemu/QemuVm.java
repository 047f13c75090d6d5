package io.ktstr4j.vmm.qemu;

import io.ktstr4j.schemas.event.ConsoleLine;
import io.ktstr4j.schemas.event.ExitReason;
import io.ktstr4j.schemas.event.KernelLoaded;
import io.ktstr4j.schemas.event.VcpuStarted;
import io.ktstr4j.schemas.event.VmCreated;
import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.vmm.ShmRegion;
import io.ktstr4j.vmm.VmConfig;
import io.ktstr4j.vmm.console.GuestConsole;
import io.ktstr4j.vmm.hooks.MonitorHooks;
import io.ktstr4j.vmm.hooks.VmFreezer;
import io.ktstr4j.vmm.lifecycle.VmLifecycle;
import io.ktstr4j.vmm.mem.MappedGuestMemory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One QEMU VM on the common {@link VmLifecycle}: its (supervisor) thread creates the RAM files, maps them, starts
 * qemu and waits for it (with the watchdog); one platform thread per serial port and one for QMP read qemu's sockets.
 * A stop (cancel, close) kills qemu at once (SIGKILL); the supervisor then reaps it and cleans up.
 */
final class QemuVm extends VmLifecycle<MappedGuestMemory> {

    private static final Logger LOG = LoggerFactory.getLogger(QemuVm.class);
    private static final Pattern QMP_SHUTDOWN =
            Pattern.compile("\"event\"\\s*:\\s*\"SHUTDOWN\".*\"reason\"\\s*:\\s*\"([a-z-]+)\"");
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final Duration READER_DRAIN = Duration.ofSeconds(5);
    /** Longest wait for QEMU to answer a monitor's stop/cont before the snapshot gives up freezing. */
    static final Duration QMP_CONTROL_TIMEOUT = Duration.ofSeconds(5);

    static {
        // Last line of defence against orphans if the JVM exits without closing its VMs.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "ktstr4j-qemu-reaper"));
    }

    /** Everything {@link QemuBackend#create} validated and decided. */
    record Plan(Path qemu, MachineType machine, boolean kvm, Topology topology, GuestRamLayout ram, VmConfig config,
            String kernelFormat, long kernelBytes, long initramfsBytes, String cmdline, Duration watchdog,
            int timeScale, Path ramDir, Path sockDir) {
        Duration effectiveWatchdog() {
            return watchdog.multipliedBy(timeScale);
        }

        String watchdogText() {
            Duration w = effectiveWatchdog();
            return timeScale == 1 ? w.toSeconds() + " s"
                    : w.toSeconds() + " s (" + watchdog.toSeconds() + " s x " + timeScale + " for TCG)";
        }
    }

    private final Plan plan;
    private final Object lock = new Object();
    private final List<Path> ramFiles = new ArrayList<>();
    private final List<VmRunDir> dirs = new ArrayList<>();
    private final List<ServerSocketChannel> servers = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> readers = Collections.synchronizedList(new ArrayList<>());
    private final GuestConsole console = new GuestConsole();
    private volatile Process process;
    private volatile Path runDir;
    private volatile String qmpShutdownReason;
    private volatile QmpFreezer controlQmp;
    private volatile ProcVcpuCpuTime vcpuCpuTime;

    QemuVm(Plan plan) {
        super("qemu-vm-supervisor");
        this.plan = plan;
    }

    @Override
    public ShmRegion shm() {
        return plan.ram().shm();
    }

    @Override
    public String cmdline() {
        return plan.cmdline();
    }

    /**
     * Snapshots freeze the guest with QMP {@code stop}/{@code cont} on a second QMP socket that QEMU serves; vCPU CPU
     * time comes from QEMU's threads named {@code CPU <n>/TCG} (or {@code /KVM}) in procfs. Both work once qemu runs;
     * before that a freeze fails (the snapshot then reads a running guest) and CPU time is unknown.
     */
    @Override
    public MonitorHooks monitorHooks() {
        VmFreezer freezer = new VmFreezer() {
            @Override
            public void freeze() {
                control().freeze();
            }

            @Override
            public void thaw() {
                control().thaw();
            }

            @Override
            public void prepare() {
                control().prepare();
            }
        };
        return new MonitorHooks(freezer, this::cpuTimeNs, null, "qmp");
    }

    private QmpFreezer control() {
        QmpFreezer q = controlQmp;
        if (q == null || process == null) {
            throw new IllegalStateException("qemu is not running yet: no QMP control socket to freeze the guest");
        }
        return q;
    }

    private OptionalLong cpuTimeNs(int vcpu) {
        Process p = process;
        if (p == null) {
            return OptionalLong.empty();
        }
        ProcVcpuCpuTime t = vcpuCpuTime;
        if (t == null) {
            t = new ProcVcpuCpuTime(p.pid());
            vcpuCpuTime = t;
        }
        return t.cpuTimeNs(vcpu);
    }

    /** This VM's private folder of guest RAM files (created when it starts, deleted when it ends). */
    Path ramDir() {
        return plan.ramDir();
    }

    /** The qemu argument vector, for logs and reproduction. Valid once the VM started. */
    List<String> argv;

    // ------------------------------------------------------------------ the supervisor thread

    @Override
    protected Stop run() {
        ExitReason reason;
        String detail;
        Integer qemuStatus = null;
        Path log = null;
        try {
            VmRunDir ramDir;
            synchronized (lock) {
                if (stopRequest() != null) {
                    throw new CancelledException();
                }
                // private 0700 folders, locked while this VM lives (VmRunDir); files O_EXCL|O_NOFOLLOW, 0600
                ramDir = VmRunDir.create(plan.ramDir());
                dirs.add(ramDir);
                if (!plan.sockDir().equals(plan.ramDir())) {
                    dirs.add(VmRunDir.create(plan.sockDir()));
                }
                runDir = plan.sockDir();
            }
            log = runDir.resolve("qemu.log");
            for (GuestRamLayout.NodeRam node : plan.ram().nodes()) {
                synchronized (lock) {
                    if (stopRequest() != null) {
                        throw new CancelledException();
                    }
                    ramFiles.add(node.file());
                }
                ramDir.newFile(node.file().getFileName().toString(), node.bytes());
            }
            synchronized (lock) {
                if (stopRequest() != null) {
                    throw new CancelledException(); // nothing mapped yet: a cancel leaves no mapping behind
                }
                memoryReady(MappedGuestMemory.map(plan.ram().regions()));
            }
            emit(new VmCreated(QemuBackend.NAME, plan.topology().totalCpus(), plan.config().memoryMb(),
                    plan.topology().label()));

            Path initrd = joinInitramfs();
            emit(new KernelLoaded(plan.config().kernel().toString(), plan.kernelFormat(), plan.kernelBytes(),
                    plan.initramfsBytes(), plan.cmdline()));

            Path com1 = runDir.resolve("com1.sock");
            Path com2 = runDir.resolve("com2.sock");
            Path qmp = runDir.resolve("qmp.sock");
            Path control = runDir.resolve("qmp-control.sock");
            controlQmp = new QmpFreezer(control, QMP_CONTROL_TIMEOUT);
            ServerSocketChannel s1 = listen(com1);
            ServerSocketChannel s2 = listen(com2);
            ServerSocketChannel sq = listen(qmp);
            startReader("qemu-vm-com1", s1, line -> onConsole(ConsoleLine.COM1, line));
            startReader("qemu-vm-com2", s2, line -> onConsole(ConsoleLine.COM2, line));
            startQmp(sq);

            argv = QemuCommand.argv(new QemuCommand.Spec(plan.qemu(), plan.machine(), plan.kvm(), plan.topology(),
                    plan.ram(), plan.config().kernel(), initrd, plan.cmdline(), com1, com2, qmp, control));
            List<String> command = new ArrayList<>();
            Path setpriv = Path.of("/usr/bin/setpriv");
            if (Files.isExecutable(setpriv)) {
                // qemu gets SIGKILL if this (supervisor) thread dies with the JVM: no orphan even on a JVM crash.
                command.add(setpriv.toString());
                command.add("--pdeathsig");
                command.add("KILL");
            }
            command.addAll(argv);
            LOG.debug("starting {}", command);
            synchronized (lock) {
                if (stopRequest() != null) {
                    throw new CancelledException();
                }
                process = new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                LIVE.add(process);
            }
            for (int cpu = 0; cpu < plan.topology().totalCpus(); cpu++) {
                emit(new VcpuStarted(cpu, plan.topology().locate(cpu).apicId()));
            }

            boolean exited = process.waitFor(plan.effectiveWatchdog().toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            qemuStatus = process.isAlive() ? null : process.exitValue();
            drainReaders();
            if (stopRequest() != null) {
                reason = ExitReason.CANCELLED;
                detail = "cancelled; qemu killed";
            } else if (!exited) {
                reason = ExitReason.WATCHDOG_TIMEOUT;
                detail = "watchdog " + plan.watchdogText() + " expired; qemu killed";
            } else if (console.panicLine() != null) {
                reason = ExitReason.PANIC;
                detail = console.panicLine();
            } else if (qemuStatus != null && qemuStatus == 0) {
                String r = qmpShutdownReason;
                if ("guest-shutdown".equals(r)) {
                    reason = ExitReason.SHUTDOWN;
                } else if ("guest-panic".equals(r)) {
                    reason = ExitReason.PANIC;
                } else {
                    reason = ExitReason.REBOOT;
                }
                detail = "qemu exited 0" + (r == null ? "" : " (" + r + ")");
            } else {
                reason = ExitReason.ERROR;
                detail = "qemu exited with status " + qemuStatus + ": " + tail(log);
            }
        } catch (CancelledException e) {
            reason = ExitReason.CANCELLED;
            detail = "cancelled before qemu started";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reason = ExitReason.CANCELLED;
            detail = "interrupted";
        } catch (Exception e) {
            reason = ExitReason.ERROR;
            detail = (stopRequest() != null ? "cancelled; " : "") + "qemu backend failed: " + e
                    + (log != null && Files.exists(log) ? "; qemu said: " + tail(log) : "");
            LOG.debug("qemu vm failed", e);
        }
        Process p = process;
        if (p != null) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
            LIVE.remove(p);
        }
        drainReaders();
        closeControl();
        releaseFiles();
        if (stopRequest() != null) {
            // cancelled or closed: nobody will drain the SHM ring, so unmap now (as the KVM VMM does); a VM whose
            // subscriber cancelled and never called close() kept 256+ MiB mapped per run before
            MappedGuestMemory m = mappedMemory();
            if (m != null) {
                m.close();
            }
        }
        return new Stop(reason, detail);
    }

    @Override
    protected Integer guestExitCode() {
        return console.exitCode();
    }

    private static final class CancelledException extends Exception {
        private static final long serialVersionUID = 1L;
    }

    private Path joinInitramfs() throws IOException {
        List<Path> parts = plan.config().initramfs();
        if (parts.isEmpty()) {
            return null;
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        // qemu takes one -initrd; the kernel unpacks concatenated cpio archives one after the other.
        Path joined = runDir.resolve("initramfs.cpio");
        try (OutputStream out = Files.newOutputStream(joined, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            for (Path p : parts) {
                Files.copy(p, out);
            }
        }
        return joined;
    }

    private ServerSocketChannel listen(Path path) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        servers.add(s);
        s.bind(UnixDomainSocketAddress.of(path));
        return s;
    }

    private void startReader(String name, ServerSocketChannel server, Consumer<String> onLine) {
        Thread t = new Thread(() -> {
            LineSplitter lines = new LineSplitter(onLine);
            try (SocketChannel ch = server.accept()) {
                ByteBuffer buf = ByteBuffer.allocate(16384);
                while (ch.read(buf) >= 0) {
                    buf.flip();
                    lines.feed(buf.array(), 0, buf.limit());
                    buf.clear();
                }
            } catch (IOException e) {
                // qemu exited or the VM is being torn down: end of this port
            } finally {
                lines.flush();
            }
        }, name);
        t.setDaemon(true);
        readers.add(t);
        t.start();
    }

    /** QMP tells a guest reset (reboot) from a guest power-off; both end qemu with status 0 under -no-reboot. */
    private void startQmp(ServerSocketChannel server) {
        Thread t = new Thread(() -> {
            try (SocketChannel ch = server.accept()) {
                LineSplitter lines = new LineSplitter(line -> {
                    Matcher m = QMP_SHUTDOWN.matcher(line);
                    if (m.find()) {
                        qmpShutdownReason = m.group(1);
                    }
                });
                ch.write(ByteBuffer.wrap("{\"execute\":\"qmp_capabilities\"}\n".getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer buf = ByteBuffer.allocate(4096);
                while (ch.read(buf) >= 0) {
                    buf.flip();
                    lines.feed(buf.array(), 0, buf.limit());
                    buf.clear();
                }
                lines.flush();
            } catch (IOException e) {
                // qemu exited
            }
        }, "qemu-vm-qmp");
        t.setDaemon(true);
        readers.add(t);
        t.start();
    }

    private void onConsole(String port, String line) {
        console.observe(port, line);
        emit(new ConsoleLine(port, sinceCreatedNanos(), line));
    }

    /** Waits for the port readers to reach end of stream, so every line is emitted before VmExited. */
    private void drainReaders() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            // qemu is gone: its ends of the sockets are closed. Closing the listeners unblocks a reader whose
            // accept() never saw qemu connect (qemu failed before connecting).
            long deadline = System.nanoTime() + READER_DRAIN.toNanos();
            List<Thread> ts;
            synchronized (readers) {
                ts = new ArrayList<>(readers);
            }
            closeServers();
            for (Thread t : ts) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    try {
                        t.join(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    private void closeControl() {
        QmpFreezer q = controlQmp;
        if (q != null) {
            try {
                q.close();
            } catch (RuntimeException e) {
                LOG.debug("closing the QMP control connection: {}", e.toString());
            }
        }
    }

    private void closeServers() {
        synchronized (servers) {
            for (ServerSocketChannel s : servers) {
                try {
                    s.close();
                } catch (IOException e) {
                    // nothing to do
                }
            }
        }
    }

    /** Deletes the RAM files and the private folders, dropping their locks; the host mapping keeps the RAM until close(). */
    private void releaseFiles() {
        synchronized (lock) {
            for (Path f : ramFiles) {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    LOG.warn("cannot delete guest RAM file {}: {}", f, e.toString());
                }
            }
            for (VmRunDir d : dirs) {
                d.delete();
            }
        }
    }

    private static String tail(Path log) {
        if (log == null) {
            return "(no qemu output)";
        }
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8).strip();
            if (s.isEmpty()) {
                return "(no qemu output)";
            }
            return s.length() > 2000 ? "..." + s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(qemu output unreadable: " + e.getMessage() + ")";
        }
    }

    // ------------------------------------------------------------------ stopping

    /** Cancelled or closed: kill qemu now (non-blocking); the supervisor reaps it and cleans up. */
    @Override
    protected void onStop(Stop stop) {
        synchronized (lock) {
            Process p = process;
            if (p != null) {
                p.destroyForcibly();
            }
            // Unlinking is safe while qemu still has the files mapped, and leaves nothing behind if we die now.
            for (Path f : ramFiles) {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    // the supervisor retries
                }
            }
        }
    }

    /** After the supervisor is done (or gave up waiting): unmap guest RAM and delete what is left. */
    @Override
    protected void release() {
        closeControl();
        MappedGuestMemory m = mappedMemory();
        if (m != null) {
            m.close();
        }
        releaseFiles();
    }
}
