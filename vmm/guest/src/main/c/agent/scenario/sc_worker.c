/*
 * Worker groups ("handles"): two-phase start (fork, child blocks on a pipe, parent moves it into the cgroup, then
 * writes the start byte), stop by SIGUSR1 with one shared deadline for every worker being stopped, then SIGKILL and
 * a process-group sweep (each worker leads its own group, so ForkExit children go too).
 */
#include "sc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

void sc_worker_signals(void);

#define GROUP_BYTES 64

static int group_size(const struct sc_work *w)
{
    switch (w->type) {
    case WT_PIPE_IO:
    case WT_FUTEX_PING_PONG:
    case WT_CACHE_PIPE:
        return 2;
    case WT_FUTEX_FAN_OUT:
    case WT_FAN_OUT_COMPUTE:
        return (int)w->fan_out + 1;
    case WT_MUTEX_CONTENTION:
        return (int)w->contenders;
    default:
        return 0;
    }
}

static void kill_reap(pid_t pid)
{
    kill(pid, SIGKILL);
    killpg(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

int sc_handle_spawn(struct sc_handle *h, const struct sc_work *w, const char *cgroup, struct sc_cg_ctx *cg,
                    const struct sc_wenv *env, const char *cpuset_fallback, char *err, size_t errlen)
{
    memset(h, 0, sizeof *h);
    snprintf(h->cgroup, sizeof h->cgroup, "%s", cgroup ? cgroup : "");
    int n = w->workers;
    int gs = group_size(w);
    if (n <= 0) {
        snprintf(err, errlen, "cgroup '%s': workers must be >= 1", h->cgroup);
        return -1;
    }
    if (gs && (gs < 2 || n % gs)) {
        snprintf(err, errlen, "cgroup '%s': %s needs a worker count divisible by %d, got %d", h->cgroup,
                 sc_wt_name(w->type), gs, n);
        return -1;
    }
    int ngroups = gs ? n / gs : 0;
    h->shared_len = (size_t)n * sizeof(struct sc_slot) + (size_t)ngroups * GROUP_BYTES;
    h->shared = mmap(NULL, h->shared_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (h->shared == MAP_FAILED) {
        h->shared = NULL;
        snprintf(err, errlen, "mmap %zu shared bytes: %s", h->shared_len, strerror(errno));
        return -1;
    }
    h->slots = h->shared;
    unsigned char *groups = (unsigned char *)h->shared + (size_t)n * sizeof(struct sc_slot);
    h->w = calloc((size_t)n, sizeof *h->w);
    int paired = gs == 2 && (w->type == WT_PIPE_IO || w->type == WT_CACHE_PIPE);
    if (paired) {
        h->npipes = n * 2;  /* per pair: a->b and b->a */
        h->pipes = calloc((size_t)h->npipes, sizeof(int));
    }
    if (!h->w || (paired && !h->pipes)) {
        snprintf(err, errlen, "out of memory for %d workers", n);
        sc_handle_free(h);
        return -1;
    }
    for (int p = 0; paired && p < n / 2; p++) {
        if (pipe2(&h->pipes[p * 4], O_CLOEXEC) || pipe2(&h->pipes[p * 4 + 2], O_CLOEXEC)) {
            snprintf(err, errlen, "pipe: %s", strerror(errno));
            h->npipes = p * 4;
            sc_handle_free(h);
            return -1;
        }
    }
    cpu_set_t fallback;
    int use_fallback = cpuset_fallback && *cpuset_fallback && !sc_cpulist_parse(cpuset_fallback, &fallback);

    for (int i = 0; i < n; i++) {
        int sp[2], rp[2];
        if (pipe2(sp, O_CLOEXEC)) {
            snprintf(err, errlen, "pipe: %s", strerror(errno));
            goto fail;
        }
        if (pipe2(rp, O_CLOEXEC)) {
            close(sp[0]);
            close(sp[1]);
            snprintf(err, errlen, "pipe: %s", strerror(errno));
            goto fail;
        }
        int is_messenger = (w->type == WT_FUTEX_FAN_OUT || w->type == WT_FAN_OUT_COMPUTE) && i % gs == 0;
        pid_t pid = fork();
        if (pid < 0) {
            snprintf(err, errlen, "fork worker %d of cgroup '%s': %s", i, h->cgroup, strerror(errno));
            close(sp[0]); close(sp[1]); close(rp[0]); close(rp[1]);
            goto fail;
        }
        if (pid == 0) {
            sc_worker_signals();
            setpgid(0, 0);
            close(sp[1]);
            close(rp[0]);
            char go;
            ssize_t r;
            while ((r = read(sp[0], &go, 1)) < 0 && errno == EINTR)
                ;
            if (r != 1)
                _exit(111);  /* the engine gave up on this spawn */
            close(sp[0]);
            struct sc_wctx c = {
                .w = w, .index = i, .is_messenger = is_messenger, .rfd = -1, .wfd = -1,
                .futex = gs ? groups + (size_t)(i / gs) * GROUP_BYTES : NULL,
                .slot = &h->slots[i], .report_fd = rp[1],
                .sched_pid = env->sched_pid, .watchdog_ns = env->watchdog_ns,
            };
            if (paired) {
                int *pp = &h->pipes[(i / 2) * 4];
                c.rfd = i % 2 ? pp[0] : pp[2];
                c.wfd = i % 2 ? pp[3] : pp[1];
            }
            sc_worker_main(&c);
        }
        setpgid(pid, pid);  /* also from the parent: no race with a killpg before the child ran */
        close(sp[0]);
        close(rp[1]);
        h->w[i].pid = pid;
        h->w[i].start_fd = sp[1];
        h->w[i].report_fd = rp[0];
        h->w[i].is_messenger = is_messenger;
        h->nworkers = i + 1;
        if (cgroup && sc_cg_move(cg, cgroup, pid, err, errlen))
            goto fail;
        if (use_fallback)
            sched_setaffinity(pid, sizeof fallback, &fallback);
    }
    for (int i = 0; i < h->npipes; i++)
        close(h->pipes[i]);
    h->npipes = 0;
    for (int i = 0; i < n; i++) {
        char go = 'g';
        h->slots[i].release_ns = sc_now_ns();
        if (write(h->w[i].start_fd, &go, 1) != 1) {
            snprintf(err, errlen, "start worker %d: %s", i, strerror(errno));
            goto fail;
        }
        close(h->w[i].start_fd);
        h->w[i].start_fd = -1;
    }
    return 0;

fail:
    for (int i = 0; i < h->nworkers; i++) {
        kill_reap(h->w[i].pid);
        h->w[i].reaped = 1;
    }
    sc_handle_free(h);
    return -1;
}

static uint64_t now_ms(void) { return sc_now_ns() / 1000000ull; }

void sc_handles_stop(struct sc_handle **hs, int n, uint64_t deadline_ms)
{
    int total = 0;
    for (int k = 0; k < n; k++) {
        if (hs[k]->stopped)
            continue;
        for (int i = 0; i < hs[k]->nworkers; i++) {
            kill(hs[k]->w[i].pid, SIGUSR1);
            total++;
        }
    }
    if (!total)
        return;
    struct pollfd *pfd = calloc((size_t)total, sizeof *pfd);
    struct sc_worker **who = calloc((size_t)total, sizeof *who);
    uint64_t end = now_ms() + deadline_ms;
    char buf[65536];
    while (pfd && who) {
        int m = 0;
        for (int k = 0; k < n; k++) {
            if (hs[k]->stopped)
                continue;
            for (int i = 0; i < hs[k]->nworkers; i++) {
                struct sc_worker *w = &hs[k]->w[i];
                if (w->eof || w->report_fd < 0)
                    continue;
                pfd[m] = (struct pollfd){w->report_fd, POLLIN, 0};
                who[m++] = w;
            }
        }
        uint64_t t = now_ms();
        if (!m || t >= end)
            break;
        int r = poll(pfd, (nfds_t)m, (int)(end - t));
        if (r < 0 && errno != EINTR)
            break;
        for (int j = 0; j < m && r > 0; j++) {
            if (!pfd[j].revents)
                continue;
            ssize_t got = read(pfd[j].fd, buf, sizeof buf - 1);
            if (got > 0) {
                buf[got] = 0;
                sc_buf_puts(&who[j]->report, buf);
            } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
                who[j]->eof = 1;
            }
        }
    }
    free(pfd);
    free(who);
    /* deadline passed or everyone answered: kill what is left (and every worker's process group), then reap */
    for (int k = 0; k < n; k++) {
        if (hs[k]->stopped)
            continue;
        for (int i = 0; i < hs[k]->nworkers; i++) {
            struct sc_worker *w = &hs[k]->w[i];
            if (!w->eof) {
                w->status = -1;  /* marks "timed out" for the report */
                kill(w->pid, SIGKILL);
            }
            killpg(w->pid, SIGKILL);
            int st = 0;
            pid_t r;
            while ((r = waitpid(w->pid, &st, 0)) < 0 && errno == EINTR)
                ;
            if (w->status != -1)
                w->status = r == w->pid ? st : -2;
            w->reaped = 1;
            if (w->report_fd >= 0) {
                close(w->report_fd);
                w->report_fd = -1;
            }
        }
        hs[k]->stopped = 1;
    }
}

static void exit_info_json(struct sc_buf *b, const struct sc_worker *w)
{
    if (w->status == -1)
        sc_buf_puts(b, "\"TimedOut\"");
    else if (w->status == -2)
        sc_buf_puts(b, "{\"WaitFailed\":\"waitpid failed\"}");
    else if (WIFSIGNALED(w->status))
        sc_buf_printf(b, "{\"Signaled\":%d}", WTERMSIG(w->status));
    else
        sc_buf_printf(b, "{\"Exited\":%d}", WEXITSTATUS(w->status));
}

void sc_handle_report_json(struct sc_handle *h, int i, struct sc_buf *b)
{
    struct sc_worker *w = &h->w[i];
    size_t len = w->report.len;
    while (len && (w->report.p[len - 1] == '\n' || w->report.p[len - 1] == ' '))
        len--;
    if (len > 2 && w->report.p[0] == '{' && w->report.p[len - 1] == '}') {
        w->report.p[len - 1] = 0;
        sc_buf_puts(b, w->report.p);
        w->report.p[len - 1] = '}';
    } else {
        /* no (complete) report: the worker died or missed the deadline; keep what shared memory knows */
        sc_buf_printf(b, "{\"tid\":%d,\"work_units\":%llu,\"cpu_time_ns\":0,\"wall_time_ns\":0,\"off_cpu_ns\":0,"
                         "\"migration_count\":0,\"cpus_used\":[],\"migrations\":[],\"max_gap_ms\":0,"
                         "\"max_gap_cpu\":0,\"max_gap_at_ms\":0,\"resume_latencies_ns\":[],"
                         "\"wake_sample_total\":0,\"iterations\":%llu,\"schedstat_run_delay_ns\":0,"
                         "\"schedstat_run_count\":0,\"schedstat_cpu_time_ns\":0,\"completed\":false,"
                         "\"numa_pages\":{},\"vmstat_numa_pages_migrated\":0,\"is_messenger\":%s",
                      (int)w->pid, (unsigned long long)h->slots[i].work_units,
                      (unsigned long long)h->slots[i].iterations, w->is_messenger ? "true" : "false");
    }
    sc_buf_puts(b, ",\"exit_info\":");
    exit_info_json(b, w);
    sc_buf_putc(b, '}');
}

uint64_t sc_handle_iterations(const struct sc_handle *h)
{
    uint64_t sum = 0;
    for (int i = 0; i < h->nworkers && h->slots; i++)
        sum += h->slots[i].iterations;
    return sum;
}

int sc_handle_set_affinity(struct sc_handle *h, const struct sc_work *aff)
{
    int failures = 0;
    uint64_t r = sc_now_ns() | 1;
    for (int i = 0; i < h->nworkers; i++) {
        cpu_set_t set;
        if (aff->aff == AFF_FIXED) {
            set = aff->aff_set;
        } else if (aff->aff == AFF_RANDOM) {
            int pool[SC_CPUS_MAX], np = 0;
            for (int c = 0; c < SC_CPUS_MAX; c++)
                if (CPU_ISSET(c, &aff->aff_set))
                    pool[np++] = c;
            CPU_ZERO(&set);
            int want = aff->aff_count < np ? aff->aff_count : np;
            for (int k = 0; k < want; k++) {
                r ^= r << 13; r ^= r >> 7; r ^= r << 17;
                int j = k + (int)(r % (uint64_t)(np - k));
                int t = pool[k]; pool[k] = pool[j]; pool[j] = t;
                CPU_SET(pool[k], &set);
            }
        } else {
            return 0;  /* inherit: leave masks alone */
        }
        if (!h->w[i].reaped && sched_setaffinity(h->w[i].pid, sizeof set, &set))
            failures++;
    }
    return failures;
}

void sc_handle_free(struct sc_handle *h)
{
    for (int i = 0; h->w && i < h->nworkers; i++) {
        if (h->w[i].start_fd >= 0)
            close(h->w[i].start_fd);
        if (h->w[i].report_fd >= 0)
            close(h->w[i].report_fd);
        sc_buf_free(&h->w[i].report);
    }
    for (int i = 0; h->pipes && i < h->npipes; i++)
        close(h->pipes[i]);
    free(h->pipes);
    free(h->w);
    if (h->shared)
        munmap(h->shared, h->shared_len);
    memset(h, 0, sizeof *h);
}
