package io.ktstr4j.hoststate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A fixture {@code /proc} + {@code /sys} tree for {@link ProcCapture}: threads with exact counters, written as the
 * kernel prints them. Also the CLI's tests' and the benchmark's (test-jar).
 */
public final class ProcTree {
    private final Path root;

    public ProcTree(Path root) {
        this.root = root;
        write("proc/sys/kernel/hostname", "fixture-host\n");
        write("proc/sys/kernel/osrelease", "6.12.117\n");
    }

    public Path root() {
        return root;
    }

    /** One thread's counters as the fixture writes them. */
    public record Thread(long tgid, long tid, String pcomm, String comm, String cgroup, long runTimeNs, long waitTimeNs,
                         long timeslices, long minflt, int nice, int policy, String cpus, long nrWakeups,
                         double waitSumMs, long rchar) {
        /** A thread of process {@code tgid} named {@code comm} that ran {@code runTimeNs}. */
        public static Thread of(long tgid, long tid, String pcomm, String comm, long runTimeNs) {
            return new Thread(tgid, tid, pcomm, comm, "/system.slice/" + pcomm + ".service", runTimeNs, runTimeNs / 10,
                    tid, 100 + tid, 0, 0, "0-3", 7, 1.5, 4096);
        }

        public Thread withCgroup(String cg) {
            return new Thread(tgid, tid, pcomm, comm, cg, runTimeNs, waitTimeNs, timeslices, minflt, nice, policy,
                    cpus, nrWakeups, waitSumMs, rchar);
        }
    }

    /** Writes every file of a thread; {@code io} false leaves out /proc/<tid>/io (unreadable: another user's). */
    public ProcTree thread(Thread t, boolean io) {
        write("proc/" + t.tgid() + "/comm", t.pcomm() + "\n");
        String dir = "proc/" + t.tgid() + "/task/" + t.tid() + "/";
        write(dir + "comm", t.comm() + "\n");
        write(dir + "stat", stat(t));
        write(dir + "schedstat", t.runTimeNs() + " " + t.waitTimeNs() + " " + t.timeslices() + "\n");
        write(dir + "status", "Name:\t" + t.comm() + "\nvoluntary_ctxt_switches:\t" + (3 * t.tid())
                + "\nnonvoluntary_ctxt_switches:\t" + t.tid() + "\nCpus_allowed_list:\t" + t.cpus() + "\n");
        write(dir + "sched", t.comm() + " (" + t.tid() + ", #threads: 1)\n"
                + "-------------------------------------------------------------------\n"
                + "se.sum_exec_runtime                          :             1.709519\n"
                + "se.nr_migrations                             :                    2\n"
                + "sum_sleep_runtime                            :            10.000001\n"
                + "sum_block_runtime                            :             0.500000\n"
                + "wait_sum                                     :" + String.format(Locale.ROOT, "%21.6f", t.waitSumMs())
                + "\nwait_count                                   :                    4\n"
                + "iowait_sum                                   :             0.000000\n"
                + "iowait_count                                 :                    0\n"
                + "nr_wakeups                                   :" + String.format(Locale.ROOT, "%21d", t.nrWakeups())
                + "\nnr_wakeups_sync                              :                    1\n"
                + "nr_wakeups_migrate                           :                    1\n"
                + "nr_wakeups_local                             :                    5\n"
                + "nr_wakeups_remote                            :                    2\n"
                + "nr_wakeups_idle                              :                    0\n"
                + "policy                                       :                    0\n");
        if (io) {
            write(dir + "io", "rchar: " + t.rchar() + "\nwchar: 10\nsyscr: 3\nsyscw: 1\nread_bytes: 0\nwrite_bytes: 0"
                    + "\ncancelled_write_bytes: 0\n");
        }
        write(dir + "cgroup", "0::" + t.cgroup() + "\n");
        return this;
    }

    /** A cgroup's cpu.stat and memory.current. */
    public ProcTree cgroup(String path, long usageUsec, long memory) {
        String dir = "sys/fs/cgroup" + path + "/";
        write(dir + "cgroup.controllers", "cpu memory\n");
        write(dir + "cpu.stat", "usage_usec " + usageUsec + "\nuser_usec 1\nsystem_usec 1\nnr_periods 0\n"
                + "nr_throttled 2\nthrottled_usec 300\n");
        write(dir + "memory.current", memory + "\n");
        return this;
    }

    /** A task folder whose thread exited: listed, but its files are gone. */
    public ProcTree vanished(long tgid, long tid) {
        try {
            Files.createDirectories(root.resolve("proc/" + tgid + "/task/" + tid));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** /proc/<tid>/stat as the kernel prints it: 52 fields, the command in parentheses (it may hold ') '). */
    static String stat(Thread t) {
        // after the state: ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime
        // cstime priority nice num_threads itrealvalue starttime ... policy (tail index 38)
        long[] tail = new long[49];
        tail[7] = t.minflt();
        tail[9] = 3;
        tail[16] = t.nice();
        tail[19] = 1000 + t.tid();
        tail[38] = t.policy();
        StringBuilder b = new StringBuilder();
        b.append(t.tid()).append(" (").append(t.comm()).append(") S");
        for (int i = 1; i < tail.length; i++) {
            b.append(' ').append(tail[i]);
        }
        return b.append('\n').toString();
    }

    private void write(String relative, String text) {
        try {
            Path f = root.resolve(relative);
            Files.createDirectories(f.getParent());
            Files.writeString(f, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
