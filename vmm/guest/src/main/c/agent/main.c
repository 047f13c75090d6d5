/*
 * ktstr4j guest agent entry point. As PID 1 in a test VM: mount the pseudo filesystems, read the kernel command
 * line, open the SHM ring, start the scheduler, run /plan, report, reboot. With --host: run a plan on this machine
 * in a cgroup sandbox and write the same messages to a ring file or stdout.
 */
#define _GNU_SOURCE
#include "agent.h"
#include "channel.h"
#include "agent_sched.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

int run_plan(const char *path, struct agent *a);
size_t agent_result_json(const struct agent *a, char *out, size_t cap);

static struct agent A;
static char sandbox[256];      /* host mode: the cgroup we created ("" = none) */

struct agent *agent_self(void) { return &A; }

static void msleep(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int write_file(const char *path, const char *s) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    ssize_t n = write(fd, s, strlen(s));
    int e = errno;
    close(fd);
    errno = e;
    return n == (ssize_t) strlen(s) ? 0 : -1;
}

static int read_file(const char *path, char *buf, size_t len) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        buf[0] = 0;
        return -1;
    }
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    buf[strcspn(buf, "\n")] = 0;
    return 0;
}

/* ---- VM mode ---------------------------------------------------------------------------------------------- */

static void mount_one(const char *src, const char *dir, const char *type, unsigned long flags, const char *data) {
    mkdir(dir, 0755);
    if (mount(src, dir, type, flags, data) < 0 && errno != EBUSY) {
        com2_printf("KTSTR4J_WARN mount %s on %s: %s\n", type, dir, strerror(errno));
    }
}

static void open_com2(void) {
    int fd = open("/dev/ttyS1", O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
    }
    if (fd < 0) {
        return;
    }
    struct termios t;
    if (tcgetattr(fd, &t) == 0) {
        cfmakeraw(&t); /* no \n -> \r\n translation: the host reads the bytes as sent */
        tcsetattr(fd, TCSANOW, &t);
    }
    channel_set_com2_fd(fd);
    dup2(fd, 1); /* stray prints (scenario code, libc) go to COM2 too */
    dup2(fd, 2);
}

static uint64_t parse_hex(const char *s) { return strtoull(s, NULL, 0); }

static void parse_cmdline(struct agent *a, uint64_t *sched_timeout_ms) {
    static char buf[8192];
    read_file("/proc/cmdline", buf, sizeof buf);
    char *save = NULL;
    for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        if (strncmp(t, "KTSTR_SHM_BASE=", 15) == 0) {
            a->cfg.shm_base = parse_hex(t + 15);
        } else if (strncmp(t, "KTSTR_SHM_SIZE=", 15) == 0) {
            a->cfg.shm_size = parse_hex(t + 15);
        } else if (strncmp(t, "KTSTR_MODE=", 11) == 0) {
            snprintf(a->cfg.run_mode, sizeof a->cfg.run_mode, "%s", t + 11);
        } else if (strncmp(t, "KTSTR_DURATION_MS=", 18) == 0) {
            a->cfg.duration_ms = strtoull(t + 18, NULL, 0);
        } else if (strncmp(t, "KTSTR_SCHED_TIMEOUT_MS=", 23) == 0) {
            *sched_timeout_ms = strtoull(t + 23, NULL, 0);
        }
    }
}

/*
 * Enables every available controller except cpu for children of `dir`; records the enabled ones. cpu stays off, as in
 * ktstr's CgroupManager by default: with CONFIG_RT_GROUP_SCHED (the shared kernel has it) a cgroup v2 child with the
 * cpu controller gets no RT runtime, so sched_setscheduler(SCHED_FIFO/RR) fails with EPERM for every worker in a
 * scenario cgroup and plans asking for fifo/round_robin (rt_starvation, PolicyChurn's RT steps) silently run
 * SCHED_OTHER.
 */
static void enable_controllers(struct agent *a, const char *dir) {
    char path[300], avail[256];
    snprintf(path, sizeof path, "%s/cgroup.controllers", dir);
    read_file(path, avail, sizeof avail);
    snprintf(path, sizeof path, "%s/cgroup.subtree_control", dir);
    a->cgroup_controllers[0] = 0;
    char *save = NULL;
    for (char *c = strtok_r(avail, " \n", &save); c; c = strtok_r(NULL, " \n", &save)) {
        if (strcmp(c, "cpu") == 0) {
            continue;
        }
        char plus[40];
        snprintf(plus, sizeof plus, "+%s", c);
        if (write_file(path, plus) == 0) {
            size_t l = strlen(a->cgroup_controllers);
            snprintf(a->cgroup_controllers + l, sizeof a->cgroup_controllers - l, "%s%s", l ? " " : "", c);
        }
    }
}

/* Polls the host's control bytes: 'D' -> SysRq-D, 0xDD -> graceful stop. */
static void *control_main(void *arg) {
    (void) arg;
    for (;;) {
        if (channel_ctrl_byte(SHM_CTRL_DUMP) == 'D') {
            channel_ctrl_clear(SHM_CTRL_DUMP);
            com2_printf("KTSTR4J_DUMP_REQUESTED\n");
            if (write_file("/proc/sysrq-trigger", "D") < 0) {
                com2_printf("KTSTR4J_WARN sysrq-trigger D: %s\n", strerror(errno));
            }
        }
        if (channel_ctrl_byte(SHM_CTRL_SIGNAL0) == SHM_STOP_VALUE) {
            static int said;
            if (!said) {
                said = 1;
                com2_printf("KTSTR4J_STOP_REQUESTED\n");
                channel_request_stop();
            }
        }
        msleep(50);
    }
    return NULL;
}

static void report_and_finish(struct agent *a, int code) {
    if (a->sched_pid > 0 && !agent_sched_alive(a)) {
        agent_result_fail(a, "SchedulerDied", "scheduler (pid %d) exited with status %d during the run",
                          a->sched_pid, a->sched_exit_status);
    }
    if (!a->result.passed && code == 0) {
        code = 1;
    }
    static char json[64 * 1024];
    size_t n = agent_result_json(a, json, sizeof json);
    if (n >= sizeof json) {
        n = strlen(json);
    }
    msg_send(MSG_TEST_RESULT, json, (uint32_t) n);
    com2_printf("===KTSTR_TEST_RESULT_START===\n%s\n===KTSTR_TEST_RESULT_END===\n", json);
    int32_t c32 = code;
    if (channel_drops()) {
        com2_printf("KTSTR4J_RING_DROPS=%llu\n", (unsigned long long) channel_drops());
    }
    msg_send(MSG_EXIT, &c32, sizeof c32);
    com2_printf("KTSTR_EXIT=%d\n", code);
}

static int vm_main(void) {
    struct agent *a = &A;
    mount_one("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    mount_one("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    mount_one("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
    open_com2();
    mount_one("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
    mount_one("cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    mount_one("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
    mount_one("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
    mount_one("bpf", "/sys/fs/bpf", "bpf", 0, NULL);
    channel_init_shared();

    a->cfg.mode = AGENT_MODE_VM;
    snprintf(a->cfg.plan_path, sizeof a->cfg.plan_path, "/plan");
    uint64_t sched_timeout_ms = 20000; /* TCG and nested KVM are slow to load BPF programs */
    parse_cmdline(a, &sched_timeout_ms);
    if (a->cfg.shm_base && a->cfg.shm_size) {
        channel_open_devmem(a->cfg.shm_base, a->cfg.shm_size);
    } else {
        com2_printf("KTSTR4J_WARN no KTSTR_SHM_BASE/KTSTR_SHM_SIZE on the command line, messages go to COM2\n");
    }
    com2_printf("KTSTR_INIT_STARTED\n");
    stage("INIT_STARTED");

    snprintf(a->cgroup_root, sizeof a->cgroup_root, "/sys/fs/cgroup");
    enable_controllers(a, a->cgroup_root);
    com2_printf("KTSTR4J_CGROUP root=%s controllers=%s\n", a->cgroup_root, a->cgroup_controllers);

    pthread_t t;
    if (channel_has_ring()) {
        pthread_create(&t, NULL, control_main, NULL);
        pthread_detach(t);
    }

    int code = 0;
    struct stat st;
    int ok = 1;
    /* the scheduler under test: a sched_ext binary, or a kernel_builtin one's enable lines */
    int sched = -2;
    char why[512];
    if (stat("/sched_enable", &st) == 0) {
        sched = builtin_run("/sched_enable", "enable", sched_timeout_ms, why, sizeof why);
    } else if (stat("/scheduler", &st) == 0) {
        char expect[64] = "";
        read_file("/sched_ops", expect, sizeof expect);
        sched = sched_start(a, "/scheduler", "/sched_args", expect, sched_timeout_ms, why, sizeof why);
    }
    if (sched == 0) {
        stage("SCHED_STARTED");
    } else if (sched == -1) {
        com2_printf("KTSTR4J_SCHED_FAILED %s\n", why);
        agent_result_fail(a, "SchedulerDied", "%s", why);
        ok = 0;
        code = 1;
    }
    if (ok) {
        com2_printf("KTSTR_PAYLOAD_STARTING\n");
        stage("PAYLOAD_STARTING");
        code = run_plan(a->cfg.plan_path, a);
        if (stat("/sched_disable", &st) == 0
            && builtin_run("/sched_disable", "disable", sched_timeout_ms, why, sizeof why) != 0) {
            com2_printf("KTSTR4J_SCHED_DISABLE_FAILED %s\n", why);
            agent_result_fail(a, "Other", "%s", why);
            code = code ? code : 1;
        }
    }
    report_and_finish(a, code);
    sync();
    reboot(RB_AUTOBOOT);
    /* reboot() failed (should not happen as PID 1): returning would panic the kernel, which also ends the VM */
    com2_printf("KTSTR4J_WARN reboot: %s\n", strerror(errno));
    for (;;) {
        pause();
    }
    return 0;
}

/* ---- host mode -------------------------------------------------------------------------------------------- */

/* Finds a cgroup2 mount: /sys/fs/cgroup when it is one, else the first cgroup2 in /proc/self/mountinfo. */
static int find_cgroup2(char *out, size_t len) {
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f) {
        return -1;
    }
    char line[1024];
    int found = -1;
    while (fgets(line, sizeof line, f)) {
        char *sep = strstr(line, " - ");
        if (!sep || strncmp(sep + 3, "cgroup2 ", 8) != 0) {
            continue;
        }
        char mnt[256];
        if (sscanf(line, "%*s %*s %*s %*s %255s", mnt) != 1) {
            continue;
        }
        if (found < 0 || strcmp(mnt, "/sys/fs/cgroup") == 0) {
            snprintf(out, len, "%s", mnt);
            found = 0;
        }
    }
    fclose(f);
    return found;
}

/* Kills everything in the sandbox and removes it, children first. Only async-signal-safe calls. */
static void rm_cgroup_tree(const char *dir, int depth) {
    if (depth > 16) {
        return;
    }
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_type == DT_DIR && strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                char sub[512];
                snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
                rm_cgroup_tree(sub, depth + 1);
            }
        }
        closedir(d);
    }
    for (int i = 0; i < 200 && rmdir(dir) < 0 && errno == EBUSY; i++) {
        msleep(10); /* killed tasks take a moment to leave */
    }
}

static void cleanup_sandbox(void) {
    if (!sandbox[0]) {
        return;
    }
    char path[300];
    snprintf(path, sizeof path, "%s/cgroup.kill", sandbox);
    if (write_file(path, "1") < 0) {
        /* no cgroup.kill (kernel < 5.14): signal the members of the sandbox itself; children are left to rmdir */
        char procs[300], buf[4096];
        snprintf(procs, sizeof procs, "%s/cgroup.procs", sandbox);
        int fd = open(procs, O_RDONLY);
        if (fd >= 0) {
            ssize_t n = read(fd, buf, sizeof buf - 1);
            close(fd);
            buf[n > 0 ? n : 0] = 0;
            for (char *p = buf; *p;) {
                pid_t pid = (pid_t) strtol(p, &p, 10);
                if (pid > 0 && pid != getpid()) kill(pid, SIGKILL);
                while (*p == '\n') p++;
            }
        }
    }
    rm_cgroup_tree(sandbox, 0);
    sandbox[0] = 0;
}

static volatile sig_atomic_t signals_seen;

static void on_signal(int sig) {
    (void) sig;
    if (signals_seen++ == 0) {
        channel_request_stop(); /* first signal: wind down the plan; the normal exit path cleans up */
        alarm(5);
    } else {
        cleanup_sandbox();
        _exit(130);
    }
}

static void on_alarm(int sig) {
    (void) sig;
    if (signals_seen) {
        cleanup_sandbox();
        _exit(130);
    }
}

static void usage(void) {
    fprintf(stderr,
            "usage: ktstr4j-agent --host --plan FILE [--out RING_FILE] [--ring-size BYTES] [--duration-ms N]\n"
            "                     [--cgroup-parent DIR]\n"
            "       ktstr4j-agent --check-plan FILE   (parse a plan without running it; exit 65 when it is invalid)\n"
            "  As PID 1 in a VM it takes no arguments (configuration comes from /proc/cmdline).\n"
            "  Without --out, messages are written to stdout as a TLV stream.\n");
}

static int host_main(int argc, char **argv) {
    struct agent *a = &A;
    a->cfg.mode = AGENT_MODE_HOST;
    snprintf(a->cfg.run_mode, sizeof a->cfg.run_mode, "host");
    const char *out = NULL, *parent = NULL;
    uint64_t ring_size = 1 << 20;
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--host") == 0) {
            continue;
        } else if (strcmp(argv[i], "--plan") == 0 && v) {
            snprintf(a->cfg.plan_path, sizeof a->cfg.plan_path, "%s", v);
        } else if (strcmp(argv[i], "--out") == 0 && v) {
            out = v;
        } else if (strcmp(argv[i], "--ring-size") == 0 && v) {
            ring_size = strtoull(v, NULL, 0);
        } else if (strcmp(argv[i], "--duration-ms") == 0 && v) {
            a->cfg.duration_ms = strtoull(v, NULL, 0);
        } else if (strcmp(argv[i], "--cgroup-parent") == 0 && v) {
            parent = v;
        } else {
            usage();
            fprintf(stderr, "ktstr4j-agent: unexpected argument '%s'\n", argv[i]);
            return 64;
        }
        i++;
    }
    if (!a->cfg.plan_path[0]) {
        usage();
        fprintf(stderr, "ktstr4j-agent: --plan FILE is required with --host\n");
        return 64;
    }
    channel_set_com2_fd(2);
    channel_init_shared();
    if (out) {
        if (ring_size < 64 || ring_size > 0xFFFFFFF0u) {
            fprintf(stderr, "ktstr4j-agent: --ring-size %llu out of range (64 .. 4294967280)\n",
                    (unsigned long long) ring_size);
            return 64;
        }
        if (channel_open_ring_file(out, ring_size) < 0) {
            return 66;
        }
    } else {
        int fd = dup(1);
        channel_use_stream_fd(fd);
        dup2(2, 1); /* keep stray prints out of the message stream */
    }

    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    char root[256];
    if (parent) {
        snprintf(root, sizeof root, "%s", parent);
    } else if (find_cgroup2(root, sizeof root) < 0) {
        root[0] = 0;
    }
    if (root[0]) {
        snprintf(sandbox, sizeof sandbox, "%s/ktstr4j-%d", root, (int) getpid());
        if (mkdir(sandbox, 0755) < 0) {
            com2_printf("KTSTR4J_WARN host cgroup sandbox %s: %s; cgroup operations will fail\n", sandbox,
                        strerror(errno));
            sandbox[0] = 0;
        } else {
            atexit(cleanup_sandbox);
            snprintf(a->cgroup_root, sizeof a->cgroup_root, "%s", sandbox);
            enable_controllers(a, sandbox);
        }
    } else {
        com2_printf("KTSTR4J_WARN no cgroup2 mount found; cgroup operations will fail\n");
    }
    com2_printf("KTSTR4J_HOST_CGROUP root=%s controllers=%s%s\n", a->cgroup_root[0] ? a->cgroup_root : "(none)",
                a->cgroup_controllers,
                strstr(a->cgroup_controllers, "cpuset") ? "" : " (no cpuset: cpusets are not enforced in host mode)");
    stage("INIT_STARTED");
    stage("PAYLOAD_STARTING");
    int code = run_plan(a->cfg.plan_path, a);
    report_and_finish(a, code);
    cleanup_sandbox();
    return code != 0 ? code : (a->result.passed ? 0 : 1);
}

int main(int argc, char **argv) {
    A.result.passed = 1;
    A.start_ms = agent_now_ms();
    if (getpid() == 1) {
        return vm_main();
    }
    if (argc == 3 && strcmp(argv[1], "--check-plan") == 0) {
        /* the host checks a raw .plan file with the parser the guest will use, before it boots anything */
        char err[1024];
        if (plan_check(argv[2], err, sizeof err)) {
            fprintf(stderr, "%s\n", err);
            return 65;
        }
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--host") == 0) {
            return host_main(argc, argv);
        }
    }
    usage();
    return 64;
}
