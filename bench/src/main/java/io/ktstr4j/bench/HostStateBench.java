package io.ktstr4j.bench;

import io.ktstr4j.hoststate.CaptureFiles;
import io.ktstr4j.hoststate.ProcCapture;
import io.ktstr4j.hoststate.ProcTree;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.hoststate.CapturePhase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a host-state capture costs: wall time per 1 000 threads and the compressed size, on this machine's /proc and
 * on fixture trees of 1 000 and 5 000 threads (written to a temp folder: the same files a kernel gives). The
 * reference, measured in the same run on the same threads: reading the same seven files per thread into memory and
 * nothing else (the floor any capture pays), so the ratio is what parsing, the host context and the record cost on
 * top of the reads.
 *
 * <pre>bench/run.sh HostStateBench [--rounds 7]</pre>
 */
public final class HostStateBench {
    private static final String[] FILES = {"comm", "stat", "schedstat", "status", "sched", "io", "cgroup"};

    private HostStateBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 7;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--rounds")) {
                rounds = Integer.parseInt(args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i] + " (expected --rounds N)");
            }
        }
        Path tmp = Files.createTempDirectory("ktstr4j-hoststate-bench");
        System.out.println("| tree | threads | capture ms (median) | per 1 000 threads ms | reads only ms (reference) "
                + "| ratio | .hst.zst KiB | KiB per 1 000 threads | JSON KiB |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        row("this machine's /proc", Path.of("/"), rounds);
        for (int n : new int[] {1000, 5000}) {
            Path root = tmp.resolve("t" + n);
            ProcTree tree = new ProcTree(root);
            for (int i = 0; i < n; i++) {
                int tgid = 1000 + i / 8 * 8; // 8 threads per process
                tree.thread(ProcTree.Thread.of(tgid, 1000 + i, "proc" + (i / 8 % 50), "worker-" + i % 8,
                        1_000_000L * (i + 1)), true);
            }
            row("fixture, 8 threads/process", root, rounds);
        }
    }

    private static void row(String label, Path root, int rounds) throws IOException {
        ProcCapture capture = new ProcCapture(root, Clock.systemUTC());
        HostStateSnapshot s = null;
        for (int i = 0; i < 2; i++) {
            s = capture.capture(CapturePhase.MANUAL, null); // warm-up: JIT, page cache
            readsOnly(root);
        }
        double[] cap = new double[rounds];
        double[] ref = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            s = capture.capture(CapturePhase.MANUAL, null);
            cap[i] = (System.nanoTime() - t0) / 1e6;
            t0 = System.nanoTime();
            readsOnly(root);
            ref[i] = (System.nanoTime() - t0) / 1e6;
        }
        int threads = s.threads().size();
        byte[] zst = CaptureFiles.encode(s);
        int json = io.ktstr4j.schemas.json.Json.writeBytes(s).length;
        double c = median(cap);
        double r = median(ref);
        System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.2f | %.1f | %.1f | %.1f |%n", label,
                threads, c, c * 1000 / threads, r, c / r, zst.length / 1024.0, zst.length / 1024.0 * 1000 / threads,
                json / 1024.0);
    }

    /** The reference: every thread's seven files read into memory, nothing parsed. */
    private static long readsOnly(Path root) throws IOException {
        long bytes = 0;
        for (Path proc : list(root.resolve("proc"))) {
            for (Path task : list(proc.resolve("task"))) {
                for (String f : FILES) {
                    try {
                        bytes += Files.readAllBytes(task.resolve(f)).length;
                    } catch (IOException e) {
                        // unreadable or gone: the capture meets the same
                    }
                }
            }
        }
        return bytes;
    }

    private static List<Path> list(Path dir) {
        List<Path> out = new ArrayList<>();
        try (var s = Files.newDirectoryStream(dir,
                p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            s.forEach(out::add);
        } catch (IOException e) {
            return List.of();
        }
        return out;
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
