/* Starts the scheduler under test, relays its output, and reports its death at once. */
#define _GNU_SOURCE
#include "agent_sched.h"
#include "channel.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SCHED_ARGS 64

static int relay_fd = -1;

static void relay_lines(int fd);

static void *relay_main(void *arg) {
    (void) arg;
    com2_printf("===SCHED_OUTPUT_START===\n");
    relay_lines(relay_fd);
    com2_printf("===SCHED_OUTPUT_END===\n");
    close(relay_fd);
    return NULL;
}

static void *monitor_main(void *arg) {
    struct agent *a = arg;
    int st = 0;
    pid_t r;
    do {
        r = waitpid(a->sched_pid, &st, 0);
    } while (r < 0 && errno == EINTR);
    int code = r < 0 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
    a->sched_exit_status = code;
    __atomic_store_n(&a->sched_exited, 1, __ATOMIC_RELEASE);
    int32_t c32 = code;
    msg_send(MSG_SCHED_EXIT, &c32, sizeof c32);
    com2_printf("KTSTR4J_SCHED_EXIT=%d\n", code);
    return NULL;
}

int agent_sched_alive(const struct agent *a) {
    return a->sched_pid > 0 && !__atomic_load_n(&a->sched_exited, __ATOMIC_ACQUIRE);
}

static int read_word(const char *path, char *buf, size_t len) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        buf[0] = 0;
        return -1;
    }
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    if (n < 0) {
        n = 0;
    }
    buf[n] = 0;
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) {
        buf[--n] = 0;
    }
    return 0;
}

static int load_args(const char *args_file, const char *bin, char **argv, char *store, size_t storelen) {
    int argc = 0;
    argv[argc++] = (char *) bin;
    if (args_file) {
        int fd = open(args_file, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            ssize_t n = read(fd, store, storelen - 1);
            close(fd);
            store[n > 0 ? n : 0] = 0;
            char *save = NULL;
            for (char *t = strtok_r(store, "\n", &save); t && argc < MAX_SCHED_ARGS; t = strtok_r(NULL, "\n", &save)) {
                if (*t) {
                    argv[argc++] = t;
                }
            }
        }
    }
    argv[argc] = NULL;
    return argc;
}

int sched_start(struct agent *a, const char *bin, const char *args_file, const char *expect_ops,
                uint64_t timeout_ms, char *why, size_t whylen) {
    static char store[8192];
    char *argv[MAX_SCHED_ARGS + 1];
    load_args(args_file, bin, argv, store, sizeof store);

    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) {
        snprintf(why, whylen, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(why, whylen, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        dup2(p[1], 1);
        dup2(p[1], 2);
        execv(bin, argv);
        dprintf(2, "exec %s: %s\n", bin, strerror(errno));
        _exit(127);
    }
    close(p[1]);
    relay_fd = p[0];
    a->sched_pid = pid;
    com2_printf("KTSTR4J_SCHED_PID=%d\n", pid);

    pthread_t t;
    pthread_create(&t, NULL, relay_main, NULL);
    pthread_detach(t);
    pthread_create(&t, NULL, monitor_main, a);
    pthread_detach(t);

    uint64_t deadline = agent_now_ms() + timeout_ms;
    char state[64], ops[128];
    for (;;) {
        read_word("/sys/kernel/sched_ext/state", state, sizeof state);
        read_word("/sys/kernel/sched_ext/root/ops", ops, sizeof ops);
        int named = ops[0] && (!expect_ops || !expect_ops[0] || strcmp(ops, expect_ops) == 0);
        if (strcmp(state, "enabled") == 0 && named) {
            com2_printf("KTSTR4J_SCHED_ATTACHED ops=%s\n", ops);
            return 0;
        }
        if (!agent_sched_alive(a)) {
            snprintf(why, whylen, "scheduler %s exited (status %d) before sched_ext was enabled", bin,
                     a->sched_exit_status);
            return -1;
        }
        if (agent_now_ms() >= deadline) {
            snprintf(why, whylen, "scheduler %s did not attach within %llu ms (state '%s', ops '%s'%s%s)", bin,
                     (unsigned long long) timeout_ms, state, ops, expect_ops && expect_ops[0] ? ", expected " : "",
                     expect_ops ? expect_ops : "");
            return -1;
        }
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* A line being gathered for COM2: whole lines go out, an overlong one in pieces. */
struct com2_line {
    char buf[1024];
    size_t n;
};

static void com2_line_put(struct com2_line *l, char c) {
    l->buf[l->n++] = c;
    if (c == '\n' || l->n == sizeof l->buf - 1) {
        l->buf[l->n] = 0;
        com2_printf("%s%s", l->buf, c == '\n' ? "" : "\n");
        l->n = 0;
    }
}

static void com2_line_end(struct com2_line *l) {
    if (l->n > 0) {
        l->buf[l->n] = 0;
        com2_printf("%s\n", l->buf);
        l->n = 0;
    }
}

/* Copies what `fd` gives to COM2 line by line until it ends (the scheduler's output). */
static void relay_lines(int fd) {
    struct com2_line l = {.n = 0};
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            break;
        }
        com2_line_put(&l, c);
    }
    com2_line_end(&l);
}

/* Relays `fd` to COM2 until the shell `pid` has exited and the pipe has nothing more to give right now (a background
 * child of the line may keep it open), or `deadline_ms` passes (agent_now_ms clock). Returns 1 when the deadline
 * passed; *status gets the shell's wait status once it exited. */
static int relay_until(int fd, pid_t pid, uint64_t deadline_ms, int *status, int *exited) {
    struct com2_line l = {.n = 0};
    int late = 0;
    *exited = 0;
    for (;;) {
        if (!*exited) {
            pid_t r = waitpid(pid, status, WNOHANG);
            if (r == pid) {
                *exited = 1;
            }
        }
        uint64_t now = agent_now_ms();
        if (!*exited && now >= deadline_ms) {
            late = 1;
            break;
        }
        struct pollfd pfd = {fd, POLLIN, 0};
        int wait = *exited ? 0 : (int) (deadline_ms - now > 100 ? 100 : deadline_ms - now);
        int pr = poll(&pfd, 1, wait);
        if (pr < 0 && errno == EINTR) {
            continue;
        }
        if (pr == 0) {
            if (*exited) {
                break; /* the shell is gone and nothing is waiting: done */
            }
            continue;
        }
        char c;
        ssize_t r = pr < 0 ? -1 : read(fd, &c, 1);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            if (!*exited) {
                continue; /* EOF before the shell was reaped: loop until waitpid says so (or the deadline) */
            }
            break;
        }
        com2_line_put(&l, c);
    }
    com2_line_end(&l);
    return late;
}

int builtin_run(const char *lines_file, const char *what, uint64_t timeout_ms, char *why, size_t whylen) {
    static char store[16384];
    int fd = open(lines_file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, whylen, "kernel_builtin %s lines: cannot open %s: %s", what, lines_file, strerror(errno));
        return -1;
    }
    size_t have = 0;
    for (;;) {
        ssize_t n = read(fd, store + have, sizeof store - 1 - have);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        have += (size_t) n;
        if (have == sizeof store - 1) {
            close(fd);
            snprintf(why, whylen, "kernel_builtin %s lines: %s is larger than %zu bytes", what, lines_file,
                     sizeof store - 1);
            return -1;
        }
    }
    close(fd);
    store[have] = 0;
    int number = 0;
    char *save = NULL;
    com2_printf("===SCHED_OUTPUT_START===\n");
    int rc = 0;
    for (char *line = strtok_r(store, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        number++;
        com2_printf("kernel_builtin %s line %d: %s\n", what, number, line);
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0) {
            snprintf(why, whylen, "kernel_builtin %s line %d: pipe: %s", what, number, strerror(errno));
            rc = -1;
            break;
        }
        pid_t pid = fork();
        if (pid < 0) {
            snprintf(why, whylen, "kernel_builtin %s line %d: fork: %s", what, number, strerror(errno));
            close(p[0]);
            close(p[1]);
            rc = -1;
            break;
        }
        if (pid == 0) {
            setpgid(0, 0); /* its own group: a line's children are killed with it on a timeout */
            dup2(p[1], 1);
            dup2(p[1], 2);
            execl("/bin/busybox", "sh", "-c", line, (char *) NULL);
            dprintf(2, "exec /bin/busybox: %s\n", strerror(errno));
            _exit(127);
        }
        setpgid(pid, pid);
        close(p[1]);
        /* a line gets timeout_ms; one that outlives it is killed with its group; a background child it started and
         * that still holds the pipe once the shell exited is left running (the line asked for it) */
        int st = 0, exited = 0;
        int late = relay_until(p[0], pid, agent_now_ms() + timeout_ms, &st, &exited);
        close(p[0]);
        if (late) {
            kill(-pid, SIGKILL);
        }
        if (!exited) {
            pid_t r;
            do {
                r = waitpid(pid, &st, 0);
            } while (r < 0 && errno == EINTR);
            if (r < 0) {
                st = -1;
            }
        }
        int code = st < 0 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
        if (late) {
            snprintf(why, whylen, "kernel_builtin %s line %d (%s) did not finish within %llu ms (killed, with what "
                     "it started)", what, number, line, (unsigned long long) timeout_ms);
            rc = -1;
            break;
        }
        if (code != 0) {
            snprintf(why, whylen, "kernel_builtin %s line %d (%s) exited with status %d", what, number, line, code);
            rc = -1;
            break;
        }
    }
    com2_printf("===SCHED_OUTPUT_END===\n");
    return rc;
}
