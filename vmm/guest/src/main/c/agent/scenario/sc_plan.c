/*
 * Parser for the agent's plan text, "ktstr4j-plan v1" (docs/guest-agent.md, "The plan"), as written by the host's
 * io.ktstr4j.vmm.plan.AgentPlanWriter: change both together. One record per line, tokens separated by spaces,
 * key=value fields; the host has already resolved every CpusetSpec and affinity into CPU lists, so nothing here
 * needs the topology. Errors name the line number and the offending token.
 */
#include "sc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MPOL_DEFAULT_ 0
#define MPOL_PREFERRED_ 1
#define MPOL_BIND_ 2
#define MPOL_INTERLEAVE_ 3
#define MPOL_LOCAL_ 4
#define MPOL_PREFERRED_MANY_ 5
#define MPOL_WEIGHTED_INTERLEAVE_ 6

static const char *const WT_NAMES[WT__COUNT] = {
    "CpuSpin", "YieldHeavy", "Mixed", "IoSync", "Bursty", "PipeIo", "FutexPingPong", "CachePressure", "CacheYield",
    "CachePipe", "FutexFanOut", "FanOutCompute", "Sequence", "ForkExit", "NiceSweep", "AffinityChurn",
    "PolicyChurn", "PageFaultChurn", "MutexContention",
};

static const char *const OP_NAMES[OP__COUNT] = {
    "add_cgroup", "remove_cgroup", "set_cpuset", "clear_cpuset", "swap_cpusets", "spawn", "stop_cgroup",
    "set_affinity", "spawn_host", "move_all_tasks", "run_payload", "wait_payload", "kill_payload",
};

const char *sc_wt_name(enum sc_wt t) { return (unsigned)t < WT__COUNT ? WT_NAMES[t] : "?"; }
const char *sc_op_name(enum sc_op_kind k) { return (unsigned)k < OP__COUNT ? OP_NAMES[k] : "?"; }

struct pctx {
    int line;
    char *err;
    size_t errlen;
};

static int fail(struct pctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct pctx *c, const char *fmt, ...)
{
    int n = snprintf(c->err, c->errlen, "plan line %d: ", c->line);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < c->errlen)
        vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || *s == '-')
        return -1;
    *out = v;
    return 0;
}

static int copy_name(struct pctx *c, char *dst, const char *src, const char *what)
{
    if (!*src || strlen(src) >= SC_NAME_MAX)
        return fail(c, "%s '%s' is empty or longer than %d characters", what, src, SC_NAME_MAX - 1);
    if (strstr(src, "..") || src[0] == '/')
        return fail(c, "%s '%s' must be a relative cgroup path without '..'", what, src);
    strcpy(dst, src);
    return 0;
}

static void work_defaults(struct sc_work *w, enum sc_wt t, int workers)
{
    w->type = t;
    w->workers = workers;
    w->burst_ms = 50;
    w->sleep_ms = 100;
    w->burst_iters = 1024;
    w->spin_iters = t == WT_PAGE_FAULT_CHURN ? 64 : 1024;
    w->size_kb = 32;
    w->stride = 64;
    w->fan_out = 4;
    w->cache_footprint_kb = 256;
    w->operations = 5;
    w->sleep_usec = 100;
    w->region_kb = 4096;
    w->touches_per_cycle = 256;
    w->contenders = 4;
    w->hold_iters = 256;
    w->work_iters = 1024;
}

static int parse_duration_ns(const char *s, uint64_t *ns)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-')
        return -1;
    unsigned long long mult;
    if (!strcmp(end, "ns"))
        mult = 1;
    else if (!strcmp(end, "us"))
        mult = 1000ull;
    else if (!strcmp(end, "ms"))
        mult = 1000000ull;
    else if (!strcmp(end, "s"))
        mult = 1000000000ull;
    else
        return -1;
    if (v > UINT64_MAX / mult) /* e.g. 20000000000s: would wrap to a short phase */
        return -1;
    *ns = v * mult;
    return 0;
}

static int parse_phases(struct pctx *c, struct sc_work *w, const char *v)
{
    char tmp[512];
    if (strlen(v) >= sizeof tmp)
        return fail(c, "phases= is too long");
    strcpy(tmp, v);
    w->nphases = 0;
    for (char *save = NULL, *tok = strtok_r(tmp, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(tok, ':');
        if (!colon)
            return fail(c, "phase '%s': expected kind:duration, e.g. spin:50ms", tok);
        *colon = 0;
        struct sc_phase ph;
        if (!strcmp(tok, "spin"))
            ph.kind = PH_SPIN;
        else if (!strcmp(tok, "sleep"))
            ph.kind = PH_SLEEP;
        else if (!strcmp(tok, "yield"))
            ph.kind = PH_YIELD;
        else if (!strcmp(tok, "io"))
            ph.kind = PH_IO;
        else
            return fail(c, "phase kind '%s': expected spin, sleep, yield or io", tok);
        if (parse_duration_ns(colon + 1, &ph.ns))
            return fail(c, "phase duration '%s': expected a number with ns, us, ms or s, at most %llu ns",
                        colon + 1, (unsigned long long)UINT64_MAX);
        if (w->nphases >= SC_MAX_PHASES)
            return fail(c, "more than %d phases", SC_MAX_PHASES);
        w->phases[w->nphases++] = ph;
    }
    if (!w->nphases)
        return fail(c, "phases= is empty; Sequence needs at least one phase");
    return 0;
}

static int parse_nodes(struct pctx *c, struct sc_work *w, const char *v)
{
    cpu_set_t set;  /* node lists share the cpulist syntax */
    if (sc_cpulist_parse(v, &set))
        return fail(c, "memory policy nodes '%s': expected a node list like 0-1,3", v);
    memset(w->mpol_nodes, 0, sizeof w->mpol_nodes);
    for (int n = 0; n < (int)(sizeof w->mpol_nodes * 8); n++)
        if (CPU_ISSET(n, &set))
            w->mpol_nodes[n / (8 * sizeof(unsigned long))] |= 1ul << (n % (8 * sizeof(unsigned long)));
    w->mpol_has_nodes = 1;
    return 0;
}

static int parse_affinity(struct pctx *c, struct sc_work *w, const char *v)
{
    CPU_ZERO(&w->aff_set);
    w->aff_count = 0;
    if (!strcmp(v, "inherit")) {
        w->aff = AFF_NONE;
    } else if (!strncmp(v, "fixed:", 6)) {
        w->aff = AFF_FIXED;
        if (sc_cpulist_parse(v + 6, &w->aff_set) || !CPU_COUNT(&w->aff_set))
            return fail(c, "affinity '%s': expected fixed:<cpulist> with at least one CPU", v);
    } else if (!strncmp(v, "random:", 7)) {
        char tmp[300];
        if (strlen(v + 7) >= sizeof tmp)
            return fail(c, "affinity '%s' too long", v);
        strcpy(tmp, v + 7);
        char *slash = strchr(tmp, '/');
        uint64_t n;
        if (!slash)
            return fail(c, "affinity '%s': expected random:<cpulist>/<count>", v);
        *slash = 0;
        if (sc_cpulist_parse(tmp, &w->aff_set) || !CPU_COUNT(&w->aff_set) || parse_u64(slash + 1, &n) || n == 0)
            return fail(c, "affinity '%s': expected random:<cpulist>/<count> with count >= 1", v);
        w->aff = AFF_RANDOM;
        w->aff_count = (int)n;
    } else {
        return fail(c, "affinity '%s': expected inherit, fixed:<cpus> or random:<cpus>/<count>", v);
    }
    return 0;
}

/* Applies one key=value of a Work. Returns 1 if the key is not a work key, 0 if applied, -1 on error. */
static int work_kv(struct pctx *c, struct sc_work *w, const char *k, const char *v)
{
    static const struct { const char *k; size_t off; } U64[] = {
        {"burst_ms", offsetof(struct sc_work, burst_ms)},
        {"sleep_ms", offsetof(struct sc_work, sleep_ms)},
        {"burst_iters", offsetof(struct sc_work, burst_iters)},
        {"spin_iters", offsetof(struct sc_work, spin_iters)},
        {"size_kb", offsetof(struct sc_work, size_kb)},
        {"stride", offsetof(struct sc_work, stride)},
        {"fan_out", offsetof(struct sc_work, fan_out)},
        {"cache_footprint_kb", offsetof(struct sc_work, cache_footprint_kb)},
        {"operations", offsetof(struct sc_work, operations)},
        {"sleep_usec", offsetof(struct sc_work, sleep_usec)},
        {"region_kb", offsetof(struct sc_work, region_kb)},
        {"touches_per_cycle", offsetof(struct sc_work, touches_per_cycle)},
        {"contenders", offsetof(struct sc_work, contenders)},
        {"hold_iters", offsetof(struct sc_work, hold_iters)},
        {"work_iters", offsetof(struct sc_work, work_iters)},
    };
    for (size_t i = 0; i < sizeof U64 / sizeof U64[0]; i++) {
        if (strcmp(k, U64[i].k))
            continue;
        uint64_t *dst = (uint64_t *)((char *)w + U64[i].off);
        if (parse_u64(v, dst))
            return fail(c, "%s=%s: expected a non-negative integer", k, v);
        return 0;
    }
    if (!strcmp(k, "work"))
        return 0;  /* handled first, by parse_work */
    if (!strcmp(k, "workers")) {
        uint64_t n;
        if (parse_u64(v, &n) || n == 0 || n > 4096)
            return fail(c, "workers=%s: expected 1..4096", v);
        w->workers = (int)n;
        return 0;
    }
    if (!strcmp(k, "phases"))
        return parse_phases(c, w, v);
    if (!strcmp(k, "affinity"))
        return parse_affinity(c, w, v);
    if (!strcmp(k, "policy")) {
        uint64_t prio = 0;
        if (!strcmp(v, "normal"))
            w->policy = POL_NORMAL;
        else if (!strcmp(v, "batch"))
            w->policy = POL_BATCH;
        else if (!strcmp(v, "idle"))
            w->policy = POL_IDLE;
        else if (!strncmp(v, "fifo:", 5) && !parse_u64(v + 5, &prio) && prio >= 1 && prio <= 99)
            w->policy = POL_FIFO;
        else if (!strncmp(v, "rr:", 3) && !parse_u64(v + 3, &prio) && prio >= 1 && prio <= 99)
            w->policy = POL_RR;
        else
            return fail(c, "policy=%s: expected normal, batch, idle, fifo:1..99 or rr:1..99", v);
        w->prio = (int)prio;
        return 0;
    }
    if (!strcmp(k, "mempolicy")) {
        const char *colon = strchr(v, ':');
        size_t n = colon ? (size_t)(colon - v) : strlen(v);
        static const struct { const char *name; int mode; int nodes; } M[] = {
            {"default", MPOL_DEFAULT_, 0}, {"local", MPOL_LOCAL_, 0}, {"bind", MPOL_BIND_, 1},
            {"preferred", MPOL_PREFERRED_, 1}, {"interleave", MPOL_INTERLEAVE_, 1},
            {"preferred_many", MPOL_PREFERRED_MANY_, 1}, {"weighted_interleave", MPOL_WEIGHTED_INTERLEAVE_, 1},
        };
        for (size_t i = 0; i < sizeof M / sizeof M[0]; i++) {
            if (strlen(M[i].name) != n || strncmp(v, M[i].name, n))
                continue;
            w->mpol_mode = M[i].mode;
            w->mpol_has_nodes = 0;
            if (M[i].nodes != (colon != NULL))
                return fail(c, "mempolicy=%s: %s %s a node list", v, M[i].name, M[i].nodes ? "needs" : "takes no");
            return colon ? parse_nodes(c, w, colon + 1) : 0;
        }
        return fail(c, "mempolicy=%s: unknown policy", v);
    }
    if (!strcmp(k, "mpol_flags")) {
        uint64_t f;
        if (parse_u64(v, &f) || (f & ~((1ull << 15) | (1ull << 14) | (1ull << 13))))
            return fail(c, "mpol_flags=%s: expected a combination of 8192, 16384, 32768", v);
        w->mpol_flags = (unsigned)f;
        return 0;
    }
    return 1;
}

/* Tokenizes in place; returns the token count. */
static int split(char *line, char **tok, int max)
{
    int n = 0;
    for (char *save = NULL, *t = strtok_r(line, " \t", &save); t && n < max; t = strtok_r(NULL, " \t", &save))
        tok[n++] = t;
    return n;
}

static int parse_work(struct pctx *c, struct sc_work *w, char **tok, int ntok, int workers_default,
                      int (*other)(struct pctx *, void *, const char *, const char *), void *octx)
{
    enum sc_wt type = WT_CPU_SPIN;
    for (int i = 0; i < ntok; i++) {
        if (strncmp(tok[i], "work=", 5))
            continue;
        int found = 0;
        for (int t = 0; t < WT__COUNT; t++)
            if (!strcmp(tok[i] + 5, WT_NAMES[t])) {
                type = (enum sc_wt)t;
                found = 1;
            }
        if (!found)
            return fail(c, "work=%s: unknown work type (Custom is not supported by the agent)", tok[i] + 5);
    }
    memset(w, 0, sizeof *w);
    work_defaults(w, type, workers_default);
    for (int i = 0; i < ntok; i++) {
        char *eq = strchr(tok[i], '=');
        if (!eq)
            return fail(c, "token '%s': expected key=value", tok[i]);
        *eq = 0;
        int r = work_kv(c, w, tok[i], eq + 1);
        if (r == 1)
            r = other ? other(c, octx, tok[i], eq + 1) : fail(c, "unknown key '%s'", tok[i]);
        *eq = '=';
        if (r < 0)
            return -1;
    }
    if (type == WT_SEQUENCE && !w->nphases)
        return fail(c, "work=Sequence needs phases=kind:duration,...");
    return 0;
}

static int def_other(struct pctx *c, void *o, const char *k, const char *v)
{
    struct sc_def *d = o;
    if (!strcmp(k, "cpus")) {
        cpu_set_t s;
        if (strlen(v) >= sizeof d->cpus || sc_cpulist_parse(v, &s) || !CPU_COUNT(&s))
            return fail(c, "cpus=%s: expected a non-empty CPU list like 0-3,6", v);
        strcpy(d->cpus, v);
        d->has_cpus = 1;
        return 0;
    }
    return fail(c, "cgroup: unknown key '%s'", k);
}

static int op_other(struct pctx *c, void *o, const char *k, const char *v)
{
    struct sc_op *op = o;
    if (!strcmp(k, "cgroup") || !strcmp(k, "name") || !strcmp(k, "from") || !strcmp(k, "a")) {
        /* payload ops: name= is the payload, cgroup= the optional placement */
        if (op->kind >= OP_RUN_PAYLOAD && !strcmp(k, "cgroup"))
            return copy_name(c, op->b, v, "cgroup");
        if (op->kind >= OP_RUN_PAYLOAD) {
            if (!*v || strlen(v) >= SC_NAME_MAX)
                return fail(c, "payload name '%s' is empty or too long", v);
            strcpy(op->a, v);
            return 0;
        }
        return copy_name(c, op->a, v, k);
    }
    if (!strcmp(k, "to") || !strcmp(k, "b"))
        return copy_name(c, op->b, v, k);
    if (!strcmp(k, "cpus")) {
        cpu_set_t s;
        if (strlen(v) >= sizeof op->cpus || sc_cpulist_parse(v, &s) || !CPU_COUNT(&s))
            return fail(c, "cpus=%s: expected a non-empty CPU list like 0-3,6", v);
        strcpy(op->cpus, v);
        return 0;
    }
    if (!strcmp(k, "exe")) {
        if (strlen(v) >= sizeof op->exe || v[0] != '/')
            return fail(c, "exe=%s: expected an absolute path", v);
        strcpy(op->exe, v);
        return 0;
    }
    return fail(c, "op %s: unknown key '%s'", sc_op_name(op->kind), k);
}

static int parse_op(struct pctx *c, struct sc_op *op, char **tok, int ntok, char *args, int workers_default)
{
    memset(op, 0, sizeof *op);
    int kind = -1;
    for (int k = 0; k < OP__COUNT; k++)
        if (!strcmp(tok[0], OP_NAMES[k]))
            kind = k;
    if (kind < 0)
        return fail(c, "unknown op '%s'", tok[0]);
    op->kind = (enum sc_op_kind)kind;
    if (parse_work(c, &op->work, tok + 1, ntok - 1, workers_default, op_other, op))
        return -1;
    if (args) {
        if (strlen(args) >= sizeof op->args)
            return fail(c, "payload args longer than %zu bytes", sizeof op->args - 1);
        strcpy(op->args, args);
    }
    int need_a = kind != OP_SPAWN_HOST, need_b = kind == OP_SWAP_CPUSETS || kind == OP_MOVE_ALL_TASKS;
    if (need_a && !op->a[0])
        return fail(c, "op %s: missing %s=", tok[0],
                    kind == OP_ADD_CGROUP || kind >= OP_RUN_PAYLOAD ? "name" : kind == OP_SWAP_CPUSETS ? "a"
                    : kind == OP_MOVE_ALL_TASKS ? "from" : "cgroup");
    if (need_b && !op->b[0])
        return fail(c, "op %s: missing %s=", tok[0], kind == OP_SWAP_CPUSETS ? "b" : "to");
    if (kind == OP_SET_CPUSET && !op->cpus[0])
        return fail(c, "op set_cpuset: missing cpus=");
    if (kind == OP_RUN_PAYLOAD && !op->exe[0])
        return fail(c, "op run_payload: missing exe=");
    return 0;
}

/*
 * Makes room for element n of arr (n elements in use) and returns the (possibly moved) array, or NULL when realloc
 * failed. Callers go through GROW, which keeps the old pointer on failure: assigning realloc's NULL would lose the
 * array while its count stays > 0, and sc_plan_free would then walk a NULL array.
 */
static void *grow_array(void *arr, int n, size_t elem)
{
    /* doubling on powers of two keeps this O(n) overall; capacity is 4, 8, 16, ... */
    if (n && (n < 4 || (n & (n - 1))))
        return arr;
    return realloc(arr, (size_t)(n ? n * 2 : 4) * elem);
}

#define GROW(arr, n) __extension__({                                   \
        void *grown_ = grow_array((arr), (n), sizeof *(arr));          \
        if (grown_)                                                    \
            (arr) = grown_;                                            \
        grown_ == NULL;                                                \
    })

int sc_plan_parse(const char *text, struct sc_plan *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->workers_default = 2;
    p->watchdog_ms = 2000;
    p->stop_deadline_ms = SC_STOP_DEADLINE_MS;
    struct pctx c = {0, err, errlen};
    char *copy = strdup(text);
    if (!copy)
        return fail(&c, "out of memory");
    int in_backdrop = 0, seen_end = 0, rc = 0;
    char *next = copy;
    while (next) {
        char *line = next;
        char *nl = strchr(line, '\n');
        if (nl) {
            *nl = 0;
            next = nl + 1;
        } else {
            next = NULL;
            if (!*line)
                break;
        }
        c.line++;
        size_t L = strlen(line);
        if (L && line[L - 1] == '\r')
            line[--L] = 0;
        if (c.line == 1) {
            if (strcmp(line, "ktstr4j-plan v1")) {
                rc = fail(&c, "first line is '%.40s', expected 'ktstr4j-plan v1'", line);
                break;
            }
            continue;
        }
        if (seen_end) {
            rc = fail(&c, "text after 'end'");
            break;
        }
        char *args = NULL;
        char *dd = strstr(line, " -- ");
        if (dd) {
            *dd = 0;
            args = dd + 4;
        }
        char *tok[128];
        int n = split(line, tok, 128);
        if (n == 0 || tok[0][0] == '#')
            continue;
        if (n >= 128) {
            rc = fail(&c, "too many tokens");
            break;
        }
        uint64_t v;
        if (!strcmp(tok[0], "name") && n == 2) {
            snprintf(p->name, sizeof p->name, "%s", tok[1]);
        } else if (!strcmp(tok[0], "duration_ms") && n == 2 && !parse_u64(tok[1], &v) && v > 0) {
            p->duration_ms = v;
        } else if (!strcmp(tok[0], "cpus") && n == 2) {
            cpu_set_t s;
            if (strlen(tok[1]) >= sizeof p->all_cpus || sc_cpulist_parse(tok[1], &s) || !CPU_COUNT(&s)) {
                rc = fail(&c, "cpus %s: expected a CPU list", tok[1]);
                break;
            }
            strcpy(p->all_cpus, tok[1]);
        } else if (!strcmp(tok[0], "workers_default") && n == 2 && !parse_u64(tok[1], &v) && v > 0 && v <= 4096) {
            p->workers_default = (int)v;
        } else if (!strcmp(tok[0], "watchdog_ms") && n == 2 && !parse_u64(tok[1], &v)) {
            p->watchdog_ms = v;
        } else if (!strcmp(tok[0], "stop_deadline_ms") && n == 2 && !parse_u64(tok[1], &v) && v > 0) {
            p->stop_deadline_ms = v;
        } else if (!strcmp(tok[0], "backdrop") && n == 1) {
            if (p->nsteps) {
                rc = fail(&c, "backdrop must come before the first step");
                break;
            }
            in_backdrop = 1;
        } else if (!strcmp(tok[0], "step")) {
            in_backdrop = 0;
            if (GROW(p->steps, p->nsteps)) {
                rc = fail(&c, "out of memory");
                break;
            }
            struct sc_step *st = &p->steps[p->nsteps++];
            memset(st, 0, sizeof *st);
            st->hold = HOLD_FRAC;
            st->frac = 1.0;
            for (int i = 1; i < n && !rc; i++) {
                const char *t = tok[i];
                char *end;
                if (!strncmp(t, "hold=frac:", 10)) {
                    st->hold = HOLD_FRAC;
                    st->frac = strtod(t + 10, &end);
                    if (*end || !(st->frac >= 0.0 && st->frac <= 1000.0))
                        rc = fail(&c, "%s: expected frac:<fraction of duration_ms>", t);
                } else if (!strncmp(t, "hold=fixed:", 11)) {
                    st->hold = HOLD_FIXED;
                    if (parse_u64(t + 11, &st->ms))
                        rc = fail(&c, "%s: expected fixed:<milliseconds>", t);
                } else if (!strncmp(t, "hold=loop:", 10)) {
                    st->hold = HOLD_LOOP;
                    if (parse_u64(t + 10, &st->ms) || st->ms == 0)
                        rc = fail(&c, "%s: expected loop:<interval milliseconds, >0>", t);
                } else if (!strncmp(t, "index=", 6)) {
                    /* informational: steps are numbered by order */
                } else {
                    rc = fail(&c, "step: unknown token '%s'", t);
                }
            }
            if (rc)
                break;
        } else if (!strcmp(tok[0], "cgroup") && n >= 2) {
            struct sc_def **arr;
            int *cnt;
            if (in_backdrop) {
                arr = &p->backdrop;
                cnt = &p->nbackdrop;
            } else if (p->nsteps) {
                arr = &p->steps[p->nsteps - 1].defs;
                cnt = &p->steps[p->nsteps - 1].ndefs;
            } else {
                rc = fail(&c, "cgroup outside backdrop or step");
                break;
            }
            if (GROW(*arr, *cnt)) {
                rc = fail(&c, "out of memory");
                break;
            }
            struct sc_def *d = &(*arr)[*cnt];
            memset(d, 0, sizeof *d);
            if (copy_name(&c, d->name, tok[1], "cgroup name") ||
                parse_work(&c, &d->work, tok + 2, n - 2, p->workers_default, def_other, d)) {
                rc = -1;
                break;
            }
            (*cnt)++;
        } else if (!strcmp(tok[0], "op") && n >= 2) {
            if (!p->nsteps || in_backdrop) {
                rc = fail(&c, "op outside a step");
                break;
            }
            struct sc_step *st = &p->steps[p->nsteps - 1];
            if (GROW(st->ops, st->nops)) {
                rc = fail(&c, "out of memory");
                break;
            }
            if (parse_op(&c, &st->ops[st->nops], tok + 1, n - 1, args, p->workers_default)) {
                rc = -1;
                break;
            }
            st->nops++;
        } else if (!strcmp(tok[0], "end") && n == 1) {
            seen_end = 1;
        } else {
            rc = fail(&c, "unrecognised line starting with '%s' (or bad value)", tok[0]);
            break;
        }
    }
    free(copy);
    if (!rc && c.line == 0)
        rc = fail(&c, "empty plan");
    else if (!rc && !seen_end)
        rc = fail(&c, "plan ends without 'end' (truncated?)");
    else if (!rc && !p->duration_ms)
        rc = fail(&c, "missing duration_ms");
    else if (!rc && !p->all_cpus[0])
        rc = fail(&c, "missing cpus");
    if (rc)
        sc_plan_free(p);
    return rc;
}

int sc_plan_load(const char *path, struct sc_plan *out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot open plan %s: %s", path, strerror(errno));
        return -1;
    }
    struct sc_buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk - 1, f)) > 0) {
        chunk[n] = 0;
        if (memchr(chunk, 0, n)) {
            fclose(f);
            sc_buf_free(&b);
            snprintf(err, errlen, "plan %s contains a NUL byte", path);
            return -1;
        }
        sc_buf_puts(&b, chunk);
    }
    fclose(f);
    if (b.oom || !b.p) {
        sc_buf_free(&b);
        snprintf(err, errlen, "plan %s is empty or unreadable", path);
        return -1;
    }
    int rc = sc_plan_parse(b.p, out, err, errlen);
    sc_buf_free(&b);
    return rc;
}

void sc_plan_free(struct sc_plan *p)
{
    free(p->backdrop);
    for (int i = 0; i < p->nsteps; i++) {
        free(p->steps[i].defs);
        free(p->steps[i].ops);
    }
    free(p->steps);
    memset(p, 0, sizeof *p);
}

/* The strong definition of agent.h's scenario_check: parse the plan the way scenario_run will, and discard it. */
int scenario_check(const char *plan_path, char *err, size_t errlen)
{
    struct sc_plan p;
    if (sc_plan_load(plan_path, &p, err, errlen))
        return -1;
    sc_plan_free(&p);
    return 0;
}
