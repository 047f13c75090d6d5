package io.ktstr4j.vmm.qemu;

import io.ktstr4j.vmm.hooks.VcpuCpuTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * vCPU host CPU time of a VMM process from procfs: threads whose name is {@code "CPU <n>/..."} (QEMU names its vCPU
 * threads {@code CPU 0/KVM} or {@code CPU 0/TCG}) are vCPU n; their utime+stime is the vCPU's CPU time. Resolution is
 * the clock tick (10 ms at USER_HZ 100).
 */
public final class ProcVcpuCpuTime implements VcpuCpuTime {

    static final Pattern VCPU = Pattern.compile("^CPU (\\d+)/");
    static final long NS_PER_TICK = 10_000_000L; // USER_HZ is 100 on x86_64 Linux

    private final long pid;
    private final Map<Integer, Path> threads = new ConcurrentHashMap<>();

    public ProcVcpuCpuTime(long pid) {
        this.pid = pid;
    }

    @Override
    public OptionalLong cpuTimeNs(int vcpu) {
        Path t = threads.get(vcpu);
        if (t == null) {
            rescan();
            t = threads.get(vcpu);
            if (t == null) {
                return OptionalLong.empty();
            }
        }
        try {
            return OptionalLong.of(ProcStat.cpuTicks(Files.readString(t.resolve("stat"))) * NS_PER_TICK);
        } catch (IOException | RuntimeException e) {
            threads.remove(vcpu);
            return OptionalLong.empty();
        }
    }

    private void rescan() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            tasks.forEach(t -> {
                try {
                    Matcher m = VCPU.matcher(Files.readString(t.resolve("comm")).trim());
                    if (m.find()) {
                        threads.put(Integer.parseInt(m.group(1)), t);
                    }
                } catch (IOException ignored) {
                    // the thread exited meanwhile
                }
            });
        } catch (IOException ignored) {
            // the process is gone: every vCPU reports empty
        }
    }
}
