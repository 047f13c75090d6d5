/*
 * The worker process: runs one of the 19 work types until SIGUSR1, sampling CPU and time every 1024 work units,
 * then writes its WorkerReport JSON to the report pipe and exits. Behaviour and defaults follow ktstr's WorkType
 * table (ktstr-features.md §2.2); this is an independent implementation.
 *
 * Gaps: the time between two checkpoints, the first one counted from the moment the engine released the worker.
 * Intended blocking (sleeps, pipe/futex waits, waitpid) restarts the interval, so a gap measures time the worker
 * wanted to run but did not.
 */
#include "sc.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_NOHUGEPAGE
#define MADV_NOHUGEPAGE 15
#endif

static volatile sig_atomic_t g_stop;

static void on_stop(int sig)
{
    (void)sig;
    g_stop = 1;
}

uint64_t sc_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct mig { uint64_t at_ns; int from, to; };

struct st {
    struct sc_wctx *c;
    uint64_t start_ns, last_ns, max_gap_ns, max_gap_at_ns;
    int last_cpu, max_gap_cpu;
    uint64_t work_units, next_ckpt, iterations, migration_count;
    cpu_set_t used;
    struct mig *migs;
    unsigned nmigs;
    uint64_t *lat;
    unsigned nlat;
    uint64_t wake_total;
    uint64_t rng;
    int stuck_signalled;
};

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static int cur_cpu(void)
{
    int c = sched_getcpu();
    return c < 0 ? 0 : c;
}

static void checkpoint(struct st *s)
{
    uint64_t now = sc_now_ns();
    uint64_t gap = now - s->last_ns;
    if (gap > s->max_gap_ns) {
        s->max_gap_ns = gap;
        s->max_gap_cpu = s->last_cpu;
        s->max_gap_at_ns = now - s->start_ns;
    }
    /* work-conservation watchdog: we were runnable but did not run for too long; poke the scheduler */
    if (s->c->watchdog_ns && gap > s->c->watchdog_ns && s->c->sched_pid > 0 && !s->stuck_signalled) {
        kill(s->c->sched_pid, SIGUSR2);
        s->stuck_signalled = 1;
    }
    s->last_ns = now;
    int cpu = cur_cpu();
    if (cpu != s->last_cpu) {
        s->migration_count++;
        if (s->nmigs < SC_MAX_MIGRATIONS && s->migs)
            s->migs[s->nmigs++] = (struct mig){now - s->start_ns, s->last_cpu, cpu};
        s->last_cpu = cpu;
    }
    if (cpu >= 0 && cpu < SC_CPUS_MAX)
        CPU_SET(cpu, &s->used);
}

/* Called whenever work_units advanced: samples on every crossing of a 1024-unit boundary. */
static inline void progress(struct st *s)
{
    s->c->slot->work_units = s->work_units;
    if (s->work_units >= s->next_ckpt) {
        checkpoint(s);
        s->next_ckpt = (s->work_units / SC_CHECKPOINT_UNITS + 1) * SC_CHECKPOINT_UNITS;
    }
}

static inline void iter_done(struct st *s)
{
    s->iterations++;
    s->c->slot->iterations = s->iterations;
}

/* Blocking on purpose ended: restart the gap interval. */
static inline void unblocked(struct st *s) { s->last_ns = sc_now_ns(); }

static void sample(struct st *s, uint64_t ns)
{
    s->wake_total++;
    if (!s->lat)
        return;
    if (s->nlat < SC_MAX_WAKE_SAMPLES) {
        s->lat[s->nlat++] = ns;
    } else {
        uint64_t idx = xorshift(&s->rng) % s->wake_total;  /* reservoir sampling keeps a uniform subset */
        if (idx < SC_MAX_WAKE_SAMPLES)
            s->lat[idx] = ns;
    }
}

static void __attribute__((noinline)) spin(struct st *s, uint64_t n)
{
    for (uint64_t i = 0; i < n && !g_stop; i++) {
        __asm__ __volatile__("pause" ::: "memory");
        s->work_units++;
        if ((s->work_units & (SC_CHECKPOINT_UNITS - 1)) == 0)
            progress(s);
    }
    progress(s);
}

static void rmw(struct st *s, unsigned char *buf, size_t size, uint64_t stride, uint64_t iters)
{
    size_t idx = 0;
    if (!stride)
        stride = 64;
    for (uint64_t i = 0; i < iters && !g_stop; i++) {
        buf[idx] = (unsigned char)(buf[idx] + 1);
        idx = (idx + stride) % size;
        s->work_units++;
    }
    progress(s);
}

static void yield_sampled(struct st *s)
{
    uint64_t t0 = sc_now_ns();
    sched_yield();
    sample(s, sc_now_ns() - t0);
}

static void sleep_ns(uint64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull)};
    nanosleep(&ts, NULL);  /* SIGUSR1 interrupts it: that is the point */
}

static void sleep_sampled(struct st *s, uint64_t ns)
{
    uint64_t t0 = sc_now_ns();
    sleep_ns(ns);
    if (!g_stop)  /* a sleep cut short by the stop signal ended early on purpose: not a wake-up to record */
        sample(s, sc_now_ns() - t0);
    unblocked(s);
}

static long futex(void *addr, int op, uint32_t val, const struct timespec *ts)
{
    return syscall(SYS_futex, addr, op, val, ts, NULL, 0);
}

static const struct timespec FUTEX_TMO = {0, 100000000};  /* re-check the stop flag every 100 ms */

static void pipe_exchange(struct st *s)
{
    char b = 'x';
    if (write(s->c->wfd, &b, 1) < 0 && errno != EINTR && errno != EAGAIN) {
        g_stop = 1;
        return;
    }
    uint64_t t0 = sc_now_ns();
    struct pollfd pfd = {s->c->rfd, POLLIN, 0};
    while (!g_stop) {
        int r = poll(&pfd, 1, 100);
        if (r > 0) {
            if (read(s->c->rfd, &b, 1) == 1)
                sample(s, sc_now_ns() - t0);
            else
                g_stop = 1;  /* partner gone */
            break;
        }
        if (r < 0 && errno != EINTR)
            break;
    }
    unblocked(s);
}

/* FutexFanOut / FanOutCompute group word: u32 generation at 0, u64 wake stamp at 8. */
struct fan { volatile uint32_t gen; uint32_t pad; volatile uint64_t stamp; };

static void fan_messenger(struct st *s, struct fan *f, uint64_t fan_out)
{
    f->stamp = sc_now_ns();
    __atomic_add_fetch(&f->gen, 1, __ATOMIC_RELEASE);
    futex((void *)&f->gen, FUTEX_WAKE, fan_out > 0x7fffffff ? 0x7fffffff : (uint32_t)fan_out, NULL);
    spin(s, 256);
}

/* Returns 1 when woken by a new generation (latency recorded), 0 when stopping. */
static int fan_receive(struct st *s, struct fan *f)
{
    uint32_t seen = __atomic_load_n(&f->gen, __ATOMIC_ACQUIRE);
    while (!g_stop) {
        uint32_t cur = __atomic_load_n(&f->gen, __ATOMIC_ACQUIRE);
        if (cur != seen) {
            uint64_t now = sc_now_ns(), st = f->stamp;
            sample(s, now > st ? now - st : 0);
            unblocked(s);
            return 1;
        }
        futex((void *)&f->gen, FUTEX_WAIT, seen, &FUTEX_TMO);
    }
    return 0;
}

static void matmul(struct st *s, uint64_t *m, size_t n)
{
    uint64_t *a = m, *b = m + n * n, *c = m + 2 * n * n;
    for (size_t i = 0; i < n && !g_stop; i++) {
        for (size_t j = 0; j < n; j++) {
            uint64_t acc = 0;
            for (size_t k = 0; k < n; k++)
                acc += a[i * n + k] * b[k * n + j];
            c[i * n + j] = acc + 1;
        }
        s->work_units += n;
        progress(s);
    }
}

static int io_open(char *path, size_t len, const char *tag)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    snprintf(path, len, "%s/ktstr4j_%s_%d", dir, tag, (int)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(path, len, "/dev/shm/ktstr4j_%s_%d", tag, (int)getpid());
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    }
    return fd;
}

static void io_round(struct st *s, int fd)
{
    static const char block[4096];
    if (ftruncate(fd, 0) == 0)
        lseek(fd, 0, SEEK_SET);
    for (int i = 0; i < 16; i++) {
        if (write(fd, block, sizeof block) < 0)
            break;
        s->work_units++;
    }
    progress(s);
}

static int read_schedstat(uint64_t v[3])
{
    int fd = open("/proc/self/schedstat", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    char b[128];
    ssize_t n = read(fd, b, sizeof b - 1);
    close(fd);
    if (n <= 0)
        return -1;
    b[n] = 0;
    unsigned long long a, d, c;
    if (sscanf(b, "%llu %llu %llu", &a, &d, &c) != 3)
        return -1;
    v[0] = a;  /* cpu time ns */
    v[1] = d;  /* run delay ns */
    v[2] = c;  /* timeslices run */
    return 0;
}

static uint64_t read_vmstat_migrated(void)
{
    FILE *f = fopen("/proc/vmstat", "re");
    if (!f)
        return 0;
    char line[128];
    unsigned long long v = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "numa_pages_migrated %llu", &v) == 1)
            break;
    fclose(f);
    return v;
}

/* Sums "N<node>=<pages>" over /proc/self/numa_maps. */
static int read_numa_pages(uint64_t *pages, int max)
{
    FILE *f = fopen("/proc/self/numa_maps", "re");
    if (!f)
        return 0;
    char line[1024];
    int top = 0;
    while (fgets(line, sizeof line, f)) {
        for (char *p = strstr(line, " N"); p; p = strstr(p + 1, " N")) {
            int node;
            unsigned long long n;
            if (sscanf(p, " N%d=%llu", &node, &n) == 2 && node >= 0 && node < max) {
                pages[node] += n;
                if (node + 1 > top)
                    top = node + 1;
            }
        }
    }
    fclose(f);
    return top;
}

static void apply_placement(const struct sc_wctx *c)
{
    const struct sc_work *w = c->w;
    if (w->aff == AFF_FIXED) {
        sched_setaffinity(0, sizeof w->aff_set, &w->aff_set);
    } else if (w->aff == AFF_RANDOM) {
        int pool[SC_CPUS_MAX], n = 0;
        for (int i = 0; i < SC_CPUS_MAX; i++)
            if (CPU_ISSET(i, &w->aff_set))
                pool[n++] = i;
        uint64_t r = (uint64_t)getpid() * 0x9E3779B97F4A7C15ull | 1;
        cpu_set_t set;
        CPU_ZERO(&set);
        int want = w->aff_count < n ? w->aff_count : n;
        for (int k = 0; k < want; k++) {  /* partial Fisher-Yates */
            int j = k + (int)(xorshift(&r) % (uint64_t)(n - k));
            int t = pool[k];
            pool[k] = pool[j];
            pool[j] = t;
            CPU_SET(pool[k], &set);
        }
        if (want)
            sched_setaffinity(0, sizeof set, &set);
    }
    struct sched_param sp = {0};
    int r = 0;
    switch (w->policy) {
    case POL_BATCH: r = sched_setscheduler(0, SCHED_BATCH, &sp); break;
    case POL_IDLE: r = sched_setscheduler(0, SCHED_IDLE, &sp); break;
    case POL_FIFO: sp.sched_priority = w->prio; r = sched_setscheduler(0, SCHED_FIFO, &sp); break;
    case POL_RR: sp.sched_priority = w->prio; r = sched_setscheduler(0, SCHED_RR, &sp); break;
    default: break;
    }
    if (r)  /* the worker runs on under its inherited policy (as ktstr's soft failure); say so */
        com2_printf("KTSTR4J_WARN worker %d: sched_policy %s:%d not applied: %s\n", (int)getpid(),
                    w->policy == POL_BATCH ? "batch" : w->policy == POL_IDLE ? "idle" : w->policy == POL_FIFO ? "fifo"
                                                                                                             : "rr",
                    w->prio, strerror(errno));
    if (w->mpol_mode) {
        unsigned long maxnode = w->mpol_has_nodes ? sizeof w->mpol_nodes * 8 : 0;
        syscall(SYS_set_mempolicy, w->mpol_mode | (int)w->mpol_flags, w->mpol_has_nodes ? w->mpol_nodes : NULL,
                maxnode);
    }
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t r = write(fd, p, n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        p += r;
        n -= (size_t)r;
    }
}

static void emit_report(struct st *s, uint64_t cpu0, const uint64_t ss0[3], int ss_ok, uint64_t vm0)
{
    uint64_t wall = sc_now_ns() - s->start_ns;
    uint64_t cpu = cpu_ns() - cpu0;
    uint64_t ss1[3] = {0, 0, 0};
    int ss_ok1 = ss_ok && read_schedstat(ss1) == 0;
    uint64_t numa[64] = {0};
    int nn = read_numa_pages(numa, 64);
    uint64_t vm1 = read_vmstat_migrated();

    struct sc_buf b = {0};
    sc_buf_printf(&b, "{\"tid\":%d,\"work_units\":%llu,\"cpu_time_ns\":%llu,\"wall_time_ns\":%llu,\"off_cpu_ns\":%llu,"
                      "\"migration_count\":%llu,\"cpus_used\":[",
                  (int)getpid(), (unsigned long long)s->work_units, (unsigned long long)cpu,
                  (unsigned long long)wall, (unsigned long long)(wall > cpu ? wall - cpu : 0),
                  (unsigned long long)s->migration_count);
    int first = 1;
    for (int i = 0; i < SC_CPUS_MAX; i++)
        if (CPU_ISSET(i, &s->used)) {
            sc_buf_printf(&b, first ? "%d" : ",%d", i);
            first = 0;
        }
    sc_buf_puts(&b, "],\"migrations\":[");
    for (unsigned i = 0; i < s->nmigs; i++)
        sc_buf_printf(&b, "%s{\"at_ns\":%llu,\"from_cpu\":%d,\"to_cpu\":%d}", i ? "," : "",
                      (unsigned long long)s->migs[i].at_ns, s->migs[i].from, s->migs[i].to);
    sc_buf_printf(&b, "],\"max_gap_ms\":%llu,\"max_gap_cpu\":%d,\"max_gap_at_ms\":%llu,\"resume_latencies_ns\":[",
                  (unsigned long long)(s->max_gap_ns / 1000000ull), s->max_gap_cpu,
                  (unsigned long long)(s->max_gap_at_ns / 1000000ull));
    for (unsigned i = 0; i < s->nlat; i++)
        sc_buf_printf(&b, i ? ",%llu" : "%llu", (unsigned long long)s->lat[i]);
    sc_buf_printf(&b, "],\"wake_sample_total\":%llu,\"iterations\":%llu,\"schedstat_run_delay_ns\":%llu,"
                      "\"schedstat_run_count\":%llu,\"schedstat_cpu_time_ns\":%llu,\"completed\":true,\"numa_pages\":{",
                  (unsigned long long)s->wake_total, (unsigned long long)s->iterations,
                  (unsigned long long)(ss_ok1 && ss1[1] > ss0[1] ? ss1[1] - ss0[1] : 0),
                  (unsigned long long)(ss_ok1 && ss1[2] > ss0[2] ? ss1[2] - ss0[2] : 0),
                  (unsigned long long)(ss_ok1 && ss1[0] > ss0[0] ? ss1[0] - ss0[0] : 0));
    first = 1;
    for (int i = 0; i < nn; i++)
        if (numa[i]) {
            sc_buf_printf(&b, "%s\"%d\":%llu", first ? "" : ",", i, (unsigned long long)numa[i]);
            first = 0;
        }
    sc_buf_printf(&b, "},\"vmstat_numa_pages_migrated\":%llu,\"is_messenger\":%s}",
                  (unsigned long long)(vm1 > vm0 ? vm1 - vm0 : 0), s->c->is_messenger ? "true" : "false");
    if (!b.oom)
        write_all(s->c->report_fd, b.p, b.len);
    sc_buf_free(&b);
}

void sc_worker_main(struct sc_wctx *c)
{
    const struct sc_work *w = c->w;
    struct st s;
    memset(&s, 0, sizeof s);
    s.c = c;
    s.rng = ((uint64_t)getpid() << 32) ^ sc_now_ns() ^ 0x9E3779B97F4A7C15ull;
    if (!s.rng)
        s.rng = 1;
    s.migs = calloc(SC_MAX_MIGRATIONS, sizeof *s.migs);
    s.lat = malloc(SC_MAX_WAKE_SAMPLES * sizeof *s.lat);
    apply_placement(c);

    uint64_t ss0[3] = {0, 0, 0};
    int ss_ok = read_schedstat(ss0) == 0;
    uint64_t vm0 = read_vmstat_migrated();
    uint64_t cpu0 = cpu_ns();
    /*
     * Wall time and the first gap start when the engine released the worker, not when it first ran: a worker kept
     * off the CPU from the start (e.g. behind a SCHED_FIFO spinner) would otherwise report a short, gap-free life.
     */
    uint64_t now = sc_now_ns(), released = c->slot->release_ns;
    s.start_ns = s.last_ns = released && released <= now ? released : now;
    s.last_cpu = s.max_gap_cpu = cur_cpu();
    CPU_SET(s.last_cpu, &s.used);
    s.next_ckpt = SC_CHECKPOINT_UNITS;
    checkpoint(&s);  /* the wait from release to the first run is the first gap */

    /* per-type state */
    unsigned char *cache = NULL;
    size_t cache_len = 0;
    if (w->type == WT_CACHE_PRESSURE || w->type == WT_CACHE_YIELD || w->type == WT_CACHE_PIPE) {
        cache_len = (size_t)w->size_kb * 1024;
        cache = cache_len ? calloc(1, cache_len) : NULL;
        if (!cache)
            g_stop = 1;
    }
    char io_path[256] = "";
    int io_fd = -1;
    if (w->type == WT_IO_SYNC || w->type == WT_SEQUENCE) {
        io_fd = io_open(io_path, sizeof io_path, w->type == WT_IO_SYNC ? "io" : "seq");
    }
    uint64_t *mat = NULL;
    size_t mat_n = 0;
    if (w->type == WT_FAN_OUT_COMPUTE && w->operations && w->cache_footprint_kb) {
        double side = (double)(w->cache_footprint_kb * 1024 / 3 / sizeof(uint64_t));
        size_t n = 1;
        while ((double)((n + 1) * (n + 1)) <= side)
            n++;
        mat_n = n;
        mat = calloc(3 * n * n, sizeof *mat);
        if (mat)
            for (size_t i = 0; i < 3 * n * n; i++)
                mat[i] = i * 2654435761u;
    }
    unsigned char *region = NULL;
    size_t region_len = (size_t)w->region_kb * 1024;
    if (w->type == WT_PAGE_FAULT_CHURN) {
        region = region_len ? mmap(NULL, region_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                            : MAP_FAILED;
        if (region == MAP_FAILED) {
            region = NULL;
            g_stop = 1;
        } else {
            madvise(region, region_len, MADV_NOHUGEPAGE);
        }
    }
    int churn_cpus[SC_CPUS_MAX], nchurn = 0;
    if (w->type == WT_AFFINITY_CHURN) {
        cpu_set_t set;
        if (!sched_getaffinity(0, sizeof set, &set))
            for (int i = 0; i < SC_CPUS_MAX; i++)
                if (CPU_ISSET(i, &set))
                    churn_cpus[nchurn++] = i;
    }
    int pol[5][2] = {{SCHED_OTHER, 0}, {SCHED_BATCH, 0}, {SCHED_IDLE, 0}}, npol = 3;
    if (w->type == WT_POLICY_CHURN) {
        struct sched_param sp = {1};
        if (!sched_setscheduler(0, SCHED_FIFO, &sp)) {  /* RT classes only when we have CAP_SYS_NICE */
            sp.sched_priority = 0;
            sched_setscheduler(0, SCHED_OTHER, &sp);
            pol[3][0] = SCHED_FIFO; pol[3][1] = 1;
            pol[4][0] = SCHED_RR; pol[4][1] = 1;
            npol = 5;
        }
    }
    int nice_min = 0;
    if (w->type == WT_NICE_SWEEP) {
        if (!setpriority(PRIO_PROCESS, 0, -20)) {  /* negative nice only with CAP_SYS_NICE */
            nice_min = -20;
            setpriority(PRIO_PROCESS, 0, 0);
        }
    }

    while (!g_stop) {
        switch (w->type) {
        case WT_CPU_SPIN:
            spin(&s, 1024);
            break;
        case WT_YIELD_HEAVY:
            s.work_units++;
            progress(&s);
            sched_yield();
            break;
        case WT_MIXED:
            spin(&s, 1024);
            sched_yield();
            break;
        case WT_IO_SYNC:
            if (io_fd < 0) {
                g_stop = 1;
                break;
            }
            io_round(&s, io_fd);
            sleep_sampled(&s, 100000);
            break;
        case WT_BURSTY: {
            uint64_t end = sc_now_ns() + w->burst_ms * 1000000ull;
            while (!g_stop && sc_now_ns() < end)
                spin(&s, 1024);
            if (!g_stop)
                sleep_sampled(&s, w->sleep_ms * 1000000ull);
            break;
        }
        case WT_PIPE_IO:
            spin(&s, w->burst_iters);
            pipe_exchange(&s);
            break;
        case WT_FUTEX_PING_PONG: {
            volatile uint32_t *word = c->futex;
            uint32_t mine = (c->index % 2) ? 1 : 0, theirs = mine ^ 1;
            spin(&s, w->spin_iters);
            __atomic_store_n(word, theirs, __ATOMIC_RELEASE);
            futex((void *)word, FUTEX_WAKE, 1, NULL);
            uint64_t t0 = sc_now_ns();
            while (!g_stop) {
                if (__atomic_load_n(word, __ATOMIC_ACQUIRE) == mine) {
                    sample(&s, sc_now_ns() - t0);
                    break;
                }
                futex((void *)word, FUTEX_WAIT, theirs, &FUTEX_TMO);
            }
            unblocked(&s);
            break;
        }
        case WT_CACHE_PRESSURE:
            rmw(&s, cache, cache_len, w->stride, 1024);
            break;
        case WT_CACHE_YIELD:
            rmw(&s, cache, cache_len, w->stride, 1024);
            yield_sampled(&s);
            break;
        case WT_CACHE_PIPE:
            rmw(&s, cache, cache_len, 64, w->burst_iters);
            pipe_exchange(&s);
            break;
        case WT_FUTEX_FAN_OUT:
            spin(&s, w->spin_iters);
            if (c->is_messenger)
                fan_messenger(&s, c->futex, w->fan_out);
            else
                fan_receive(&s, c->futex);
            break;
        case WT_FAN_OUT_COMPUTE:
            if (c->is_messenger) {
                fan_messenger(&s, c->futex, w->fan_out);
            } else if (fan_receive(&s, c->futex)) {
                if (w->sleep_usec && !g_stop)
                    sleep_ns(w->sleep_usec * 1000ull);
                unblocked(&s);
                for (uint64_t k = 0; mat && k < w->operations && !g_stop; k++) {
                    matmul(&s, mat, mat_n);
                    s.work_units++;
                }
                progress(&s);
            }
            break;
        case WT_SEQUENCE:
            for (int i = 0; i < w->nphases && !g_stop; i++) {
                const struct sc_phase *ph = &w->phases[i];
                uint64_t end = sc_now_ns() + ph->ns;
                switch (ph->kind) {
                case PH_SPIN:
                    while (!g_stop && sc_now_ns() < end)
                        spin(&s, 1024);
                    break;
                case PH_SLEEP:
                    sleep_sampled(&s, ph->ns);
                    break;
                case PH_YIELD:
                    while (!g_stop && sc_now_ns() < end) {
                        s.work_units++;
                        progress(&s);
                        yield_sampled(&s);
                    }
                    unblocked(&s);
                    break;
                case PH_IO:
                    while (!g_stop && sc_now_ns() < end && io_fd >= 0) {
                        io_round(&s, io_fd);
                        sleep_sampled(&s, 100000);
                    }
                    break;
                }
            }
            break;
        case WT_FORK_EXIT: {
            pid_t p = fork();
            if (p == 0)
                _exit(0);
            if (p > 0) {
                uint64_t t0 = sc_now_ns();
                int stt;
                while (waitpid(p, &stt, 0) < 0 && errno == EINTR)
                    ;
                sample(&s, sc_now_ns() - t0);
                unblocked(&s);
            }
            s.work_units++;
            progress(&s);
            break;
        }
        case WT_NICE_SWEEP: {
            int range = 19 - nice_min + 1;
            int v = nice_min + (int)(s.iterations % (uint64_t)range);
            spin(&s, 512);
            setpriority(PRIO_PROCESS, 0, v);
            yield_sampled(&s);
            break;
        }
        case WT_AFFINITY_CHURN:
            spin(&s, w->spin_iters);
            if (nchurn) {
                cpu_set_t set;
                CPU_ZERO(&set);
                CPU_SET(churn_cpus[xorshift(&s.rng) % (uint64_t)nchurn], &set);
                sched_setaffinity(0, sizeof set, &set);
            }
            yield_sampled(&s);
            break;
        case WT_POLICY_CHURN: {
            spin(&s, w->spin_iters);
            int k = (int)(s.iterations % (uint64_t)npol);
            struct sched_param sp = {pol[k][1]};
            sched_setscheduler(0, pol[k][0], &sp);
            yield_sampled(&s);
            break;
        }
        case WT_PAGE_FAULT_CHURN: {
            size_t pages = region_len / 4096 ? region_len / 4096 : 1;
            for (uint64_t t = 0; t < w->touches_per_cycle && !g_stop; t++) {
                ((volatile unsigned char *)region)[(xorshift(&s.rng) % pages) * 4096] = 1;
                s.work_units++;
            }
            progress(&s);
            madvise(region, region_len, MADV_DONTNEED);
            spin(&s, w->spin_iters);
            break;
        }
        case WT_MUTEX_CONTENTION: {
            volatile uint32_t *lock = c->futex;
            int held = 0;
            spin(&s, w->work_iters);
            while (!g_stop) {
                uint32_t zero = 0;
                if (__atomic_compare_exchange_n(lock, &zero, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
                    held = 1;
                    break;
                }
                uint64_t t0 = sc_now_ns();
                futex((void *)lock, FUTEX_WAIT, 1, &FUTEX_TMO);
                sample(&s, sc_now_ns() - t0);
            }
            unblocked(&s);
            if (!held)  /* stopped while waiting: the lock is someone else's, do not release it */
                break;
            spin(&s, w->hold_iters);
            __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
            futex((void *)lock, FUTEX_WAKE, 1, NULL);
            break;
        }
        default:
            g_stop = 1;
            break;
        }
        iter_done(&s);
    }

    /* undo what the churn types changed so the report is written at normal priority */
    if (w->type == WT_NICE_SWEEP)
        setpriority(PRIO_PROCESS, 0, 0);
    if (w->type == WT_POLICY_CHURN) {
        struct sched_param sp = {0};
        sched_setscheduler(0, SCHED_OTHER, &sp);
    }
    if (io_fd >= 0) {
        close(io_fd);
        unlink(io_path);
    }
    if (region)
        munmap(region, region_len);
    emit_report(&s, cpu0, ss0, ss_ok, vm0);
    _exit(0);
}

/* Installed in the child right after fork, before it blocks on the start pipe. */
void sc_worker_signals(void);
void sc_worker_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;  /* no SA_RESTART: sleeps and waits return early on stop */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGCHLD, &sa, NULL);  /* ForkExit reaps its own children */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = SIG_IGN;  /* a vanished pipe partner shows up as EPIPE, which ends the loop */
    sigaction(SIGPIPE, &sa, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    g_stop = 0;
}
