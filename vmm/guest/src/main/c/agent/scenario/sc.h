/*
 * Scenario engine internals: the parsed "ktstr4j-plan v1" plan, cgroup helpers, workers and their reports.
 * The public entry point is scenario_run() in agent.h; everything here is private to agent/scenario/.
 */
#ifndef KTSTR4J_SC_H
#define KTSTR4J_SC_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "agent.h"

#define SC_NAME_MAX 128
#define SC_CPUS_MAX 1024      /* matches cpu_set_t */
#define SC_MAX_PHASES 16
#define SC_MAX_WAKE_SAMPLES 100000u
#define SC_MAX_MIGRATIONS 4096u   /* migration records kept per worker; migration_count counts them all */
#define SC_CHECKPOINT_UNITS 1024u /* migrations and gaps are sampled every 1024 work units */
#define SC_STUCK_NS 2000000000ull /* work-conservation watchdog: a gap over 2 s signals the scheduler */
#define SC_STOP_DEADLINE_MS 5000u /* shared deadline for all workers to deliver their reports */

/* ---- work types: the order is the plan text's and docs' order, not a wire value */
enum sc_wt {
    WT_CPU_SPIN, WT_YIELD_HEAVY, WT_MIXED, WT_IO_SYNC, WT_BURSTY, WT_PIPE_IO, WT_FUTEX_PING_PONG,
    WT_CACHE_PRESSURE, WT_CACHE_YIELD, WT_CACHE_PIPE, WT_FUTEX_FAN_OUT, WT_FAN_OUT_COMPUTE, WT_SEQUENCE,
    WT_FORK_EXIT, WT_NICE_SWEEP, WT_AFFINITY_CHURN, WT_POLICY_CHURN, WT_PAGE_FAULT_CHURN, WT_MUTEX_CONTENTION,
    WT__COUNT
};

enum sc_phase_kind { PH_SPIN, PH_SLEEP, PH_YIELD, PH_IO };
struct sc_phase { enum sc_phase_kind kind; uint64_t ns; };

enum sc_aff { AFF_NONE, AFF_FIXED, AFF_RANDOM };
enum sc_policy { POL_NORMAL, POL_BATCH, POL_IDLE, POL_FIFO, POL_RR };

/* One "Work": what a group of workers runs and how it is placed. */
struct sc_work {
    int workers;
    enum sc_wt type;
    uint64_t burst_ms, sleep_ms, burst_iters, spin_iters, size_kb, stride, fan_out, cache_footprint_kb,
        operations, sleep_usec, region_kb, touches_per_cycle, contenders, hold_iters, work_iters;
    struct sc_phase phases[SC_MAX_PHASES];
    int nphases;
    enum sc_policy policy;
    int prio;
    enum sc_aff aff;
    cpu_set_t aff_set;  /* FIXED: the set; RANDOM: the pool */
    int aff_count;      /* RANDOM: CPUs picked per worker */
    int mpol_mode;      /* MPOL_* value; 0 = default */
    unsigned long mpol_nodes[16];  /* nodemask, bit per node */
    int mpol_has_nodes;
    unsigned mpol_flags;
};

struct sc_def {
    char name[SC_NAME_MAX];
    int has_cpus;
    char cpus[256];     /* cpulist text as written to cpuset.cpus */
    struct sc_work work;
};

enum sc_op_kind {
    OP_ADD_CGROUP = 0, OP_REMOVE_CGROUP, OP_SET_CPUSET, OP_CLEAR_CPUSET, OP_SWAP_CPUSETS, OP_SPAWN,
    OP_STOP_CGROUP, OP_SET_AFFINITY, OP_SPAWN_HOST, OP_MOVE_ALL_TASKS, OP_RUN_PAYLOAD, OP_WAIT_PAYLOAD,
    OP_KILL_PAYLOAD, OP__COUNT
};

struct sc_op {
    enum sc_op_kind kind;
    char a[SC_NAME_MAX];   /* name / cgroup / from / a */
    char b[SC_NAME_MAX];   /* to / b / payload cgroup */
    char cpus[256];
    struct sc_work work;   /* spawn, spawn_host, set_affinity (aff fields only) */
    char exe[256];
    char args[1024];       /* payload args, space-separated */
};

enum sc_hold { HOLD_FRAC, HOLD_FIXED, HOLD_LOOP };

struct sc_step {
    enum sc_hold hold;
    double frac;
    uint64_t ms;           /* FIXED: duration; LOOP: interval */
    struct sc_def *defs; int ndefs;
    struct sc_op *ops; int nops;
};

struct sc_plan {
    char name[SC_NAME_MAX];
    uint64_t duration_ms;
    char all_cpus[256];
    int workers_default;
    uint64_t watchdog_ms;  /* 0 disables the work-conservation watchdog */
    uint64_t stop_deadline_ms;
    struct sc_def *backdrop; int nbackdrop;
    struct sc_step *steps; int nsteps;
};

/* plan.c */
int sc_plan_parse(const char *text, struct sc_plan *out, char *err, size_t errlen);
int sc_plan_load(const char *path, struct sc_plan *out, char *err, size_t errlen);
void sc_plan_free(struct sc_plan *p);
const char *sc_wt_name(enum sc_wt t);
const char *sc_op_name(enum sc_op_kind k);

/* cpulist.c */
int sc_cpulist_parse(const char *s, cpu_set_t *set);  /* 0 ok, -1 malformed */
int sc_cpulist_format(const cpu_set_t *set, char *buf, size_t len);

/* json.c: a growable text buffer */
struct sc_buf { char *p; size_t len, cap; int oom; };
void sc_buf_putc(struct sc_buf *b, char c);
void sc_buf_puts(struct sc_buf *b, const char *s);
void sc_buf_printf(struct sc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sc_buf_json_str(struct sc_buf *b, const char *s);
void sc_buf_free(struct sc_buf *b);

/* cgroup.c */
struct sc_cg_ctx {
    char root[256];
    int have_cpuset;       /* cpuset controller usable below root */
    int have_cpu;
};
void sc_cg_init(struct sc_cg_ctx *c, const char *root, const char *controllers);
int sc_cg_create(struct sc_cg_ctx *c, const char *name, char *err, size_t errlen);
int sc_cg_remove(struct sc_cg_ctx *c, const char *name);
int sc_cg_set_cpus(struct sc_cg_ctx *c, const char *name, const char *cpus, char *err, size_t errlen);
int sc_cg_move(struct sc_cg_ctx *c, const char *name, pid_t pid, char *err, size_t errlen);
int sc_cg_clear_subtree(struct sc_cg_ctx *c, const char *name);

/* worker.c: a group of workers spawned together (one Spawn / CgroupDef / SpawnHost) */
struct sc_slot {              /* per worker, MAP_SHARED so the engine can sum iterations live */
    volatile uint64_t iterations;
    volatile uint64_t work_units;
    volatile uint64_t release_ns; /* when the engine sent the start byte (sc_now_ns) */
    uint64_t pad[5];
};

struct sc_worker {
    pid_t pid;
    int start_fd;             /* parent's end of the start pipe */
    int report_fd;            /* parent's end of the report pipe */
    struct sc_buf report;
    int eof;
    int reaped;
    int status;
    int is_messenger;
};

struct sc_handle {
    char cgroup[SC_NAME_MAX]; /* "" for SpawnHost workers */
    int nworkers;
    struct sc_worker *w;
    struct sc_slot *slots;    /* nworkers */
    void *shared;             /* futex words etc. */
    size_t shared_len;
    int *pipes;               /* pair pipes, 4 fds per pair, closed in the parent after start */
    int npipes;
    int stopped;
};

struct sc_wenv {              /* what a worker needs from the engine */
    pid_t sched_pid;
    uint64_t watchdog_ns;
};

/* Forks the workers (blocked), moves them into `cgroup` (NULL = stay put), then starts them. */
int sc_handle_spawn(struct sc_handle *h, const struct sc_work *w, const char *cgroup, struct sc_cg_ctx *cg,
                    const struct sc_wenv *env, const char *cpuset_fallback, char *err, size_t errlen);
/* Stops every worker of every handle given (shared deadline), collects reports; returns 0. */
void sc_handles_stop(struct sc_handle **hs, int n, uint64_t deadline_ms);
/* Appends worker i's report (one JSON object, exit_info included) to b. Call after sc_handles_stop. */
void sc_handle_report_json(struct sc_handle *h, int i, struct sc_buf *b);
void sc_handle_free(struct sc_handle *h);
uint64_t sc_handle_iterations(const struct sc_handle *h);
int sc_handle_set_affinity(struct sc_handle *h, const struct sc_work *aff);

/* work.c: runs in the forked worker; never returns */
struct sc_wctx {
    const struct sc_work *w;
    int index;                /* worker index in its handle */
    int is_messenger;
    int rfd, wfd;             /* pair pipe ends, -1 if none */
    void *futex;              /* group word(s), NULL if none */
    struct sc_slot *slot;
    int report_fd;
    pid_t sched_pid;
    uint64_t watchdog_ns;
};
void sc_worker_main(struct sc_wctx *c) __attribute__((noreturn));

uint64_t sc_now_ns(void);

#endif
