package io.ktstr4j.bench;

import io.ktstr4j.schemas.event.Snapshot;
import io.ktstr4j.schemas.monitor.CpuSnapshot;
import io.ktstr4j.vmm.hooks.VmFreezer;
import io.ktstr4j.vmm.monitor.Btf;
import io.ktstr4j.vmm.monitor.GuestKernel;
import io.ktstr4j.vmm.monitor.MonitorSampler;
import io.ktstr4j.vmm.monitor.Snapshotter;
import io.ktstr4j.vmm.monitor.SyntheticGuest;
import io.ktstr4j.vmm.qemu.QmpFreezer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.Disposable;

/**
 * Host CPU cost of the monitor: sampling N vCPUs (default 64) every 100 ms from a synthetic guest memory image laid
 * out with a real kernel's BTF, and the time a snapshot keeps the guest frozen. Prints a table.
 *
 * <pre>
 * java -cp ... io.ktstr4j.bench.MonitorBench [--btf vmlinux.btf] [--vcpus 64] [--seconds 10] [--qmp /path/qmp.sock]
 * </pre>
 * The goal is under 2% of one core at 100 ms for 64 vCPUs.
 */
public final class MonitorBench {

    private MonitorBench() {}

    public static void main(String[] args) throws Exception {
        Path btfPath = io.ktstr4j.pipeline.Defaults.kernel()
                .orElse(Path.of("../shared/kernels/6.12.117-scx/bzImage").toAbsolutePath().normalize())
                .resolveSibling("vmlinux.btf");
        int vcpus = 64;
        int seconds = 10;
        Path qmp = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--btf" -> btfPath = Path.of(args[++i]);
                case "--vcpus" -> vcpus = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--qmp" -> qmp = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (expected --btf PATH, --vcpus N, --seconds S, --qmp SOCKET)");
            }
        }
        if (!Files.isReadable(btfPath)) {
            throw new IllegalArgumentException("BTF file " + btfPath + " not readable (pass --btf)");
        }
        Btf btf = Btf.load(btfPath);
        SyntheticGuest g = new SyntheticGuest(btf, vcpus);
        for (int c = 0; c < vcpus; c++) {
            g.setRq(c, 1 + c % 3, 1 + c % 3, c % 2, 1_000_000L * c, 0);
            g.addDomains(c, 3);
        }
        g.setScx("SCX_OPS_ENABLED", "simple");
        GuestKernel kernel = new GuestKernel(g.memory(), g.symbols(), btf, null);
        MonitorSampler sampler = new MonitorSampler(kernel, vcpus, MonitorSampler.Options.defaults(), null, null,
                System::currentTimeMillis);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();

        // 1. Tight loop: CPU per sample, after warm-up (JIT).
        for (int i = 0; i < 2000; i++) {
            sampler.readNow();
        }
        int iters = 2000;
        long[] per = new long[iters];
        long cpu0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < iters; i++) {
            long t = mx.getCurrentThreadCpuTime();
            List<CpuSnapshot> s = sampler.readNow();
            per[i] = mx.getCurrentThreadCpuTime() - t;
            if (s.size() != vcpus) {
                throw new IllegalStateException("sample has " + s.size() + " cpus");
            }
        }
        long loopCpu = mx.getCurrentThreadCpuTime() - cpu0;
        Arrays.sort(per);
        double meanUs = loopCpu / 1e3 / iters;

        // 2. The real stream at 100 ms: CPU time of its sampling thread over the run.
        long[] stream = streamThreadCpu(sampler, mx, seconds);
        long streamCpu = stream[0];

        // 3. Snapshot freeze time (capture with no freezer = the floor; with QMP when a socket is given).
        Snapshotter snap = new Snapshotter(sampler, VmFreezer.NONE, System::currentTimeMillis,
                Snapshotter.Options.defaults());
        long[] freeze = new long[20];
        for (int i = 0; i < freeze.length; i++) {
            long t = System.nanoTime();
            Snapshot s = snap.capture();
            freeze[i] = System.nanoTime() - t;
            if (s.cpus().size() != vcpus) {
                throw new IllegalStateException("snapshot has " + s.cpus().size() + " cpus");
            }
        }
        Arrays.sort(freeze);
        long[] qmpFreeze = null;
        if (qmp != null) {
            try (QmpFreezer f = new QmpFreezer(qmp, Duration.ofSeconds(5))) {
                Snapshotter q = new Snapshotter(sampler, f, System::currentTimeMillis, Snapshotter.Options.defaults());
                qmpFreeze = new long[10];
                for (int i = 0; i < qmpFreeze.length; i++) {
                    qmpFreeze[i] = q.capture().freezeNs();
                }
                Arrays.sort(qmpFreeze);
            }
        }

        System.out.printf("%nMonitorBench: %d vCPUs, synthetic guest image with BTF of %s, 3 sched domains/CPU%n",
                vcpus, btfPath);
        System.out.printf("%-52s %12s%n", "metric", "value");
        System.out.printf("%-52s %12.1f%n", "sample (all vCPUs) CPU time, mean [us]", meanUs);
        System.out.printf("%-52s %12.1f%n", "sample CPU time, p50 [us]", per[iters / 2] / 1e3);
        System.out.printf("%-52s %12.1f%n", "sample CPU time, p99 [us]", per[iters * 99 / 100] / 1e3);
        System.out.printf("%-52s %12.3f%n", "=> % of one core at 100 ms (tight-loop estimate)", meanUs / 1e3 / 100 * 100);
        System.out.printf("%-52s %12d%n", "stream samples received in " + seconds + " s", stream[1]);
        System.out.printf("%-52s %12.3f%n", "=> % of one core, sampling thread, 100 ms stream",
                streamCpu < 0 ? Double.NaN : streamCpu / 1e9 / seconds * 100);
        System.out.printf("%-52s %12.1f%n", "snapshot capture, no freezer, p50 [us]", freeze[freeze.length / 2] / 1e3);
        System.out.printf("%-52s %12.1f%n", "snapshot capture, no freezer, max [us]", freeze[freeze.length - 1] / 1e3);
        if (qmpFreeze != null) {
            System.out.printf("%-52s %12.1f%n", "snapshot freeze time via QMP stop/cont, p50 [us]",
                    qmpFreeze[qmpFreeze.length / 2] / 1e3);
        } else {
            System.out.printf("%-52s %12s%n", "snapshot freeze time via QMP (needs --qmp SOCKET)", "n/a");
        }
        System.out.printf("%-52s %12d%n", "monitor read errors", sampler.errors().total());
        double pct = streamCpu < 0 ? meanUs / 1e3 : streamCpu / 1e9 / seconds * 100;
        System.out.printf("goal < 2%% of one core: %s%n", pct < 2.0 ? "MET" : "NOT MET");
    }

    /** Runs the 100 ms stream for {@code seconds}: {CPU ns of its sampling thread (-1 if unknown), samples}. */
    private static long[] streamThreadCpu(MonitorSampler sampler, ThreadMXBean mx, int seconds) throws Exception {
        CountDownLatch first = new CountDownLatch(1);
        AtomicLong count = new AtomicLong();
        Disposable d = sampler.samples().subscribe(s -> {
            count.incrementAndGet();
            first.countDown();
        });
        first.await(10, TimeUnit.SECONDS);
        long id = -1;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("ktstr-monitor")) {
                id = t.getId();
            }
        }
        if (id < 0) {
            d.dispose();
            return new long[] {-1, count.get()};
        }
        long n0 = count.get();
        long c0 = mx.getThreadCpuTime(id);
        Thread.sleep(seconds * 1000L);
        long c1 = mx.getThreadCpuTime(id);
        long n1 = count.get();
        d.dispose();
        return new long[] {c1 - c0, n1 - n0};
    }
}
