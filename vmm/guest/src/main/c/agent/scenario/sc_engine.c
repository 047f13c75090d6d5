/*
 * The step executor: scenario_run() from agent.h. Backdrop cgroups and workers live for the whole scenario; each
 * step applies its ops, then creates its own cgroups (setup), sends a STIMULUS, holds, and tears down what it owns
 * (workers stopped, reports sent as WREP per cgroup, cgroups removed). Order and ownership follow ktstr's
 * execute_steps (ktstr-features.md §2.2).
 */
#include "sc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CGROUPS 512
#define MAX_HANDLES 1024
#define MAX_PAYLOADS 64
#define HOST_LABEL "<host>"

struct cgrec {
    char name[SC_NAME_MAX];
    int backdrop;
    int explicit_;          /* named by the plan (implicit parents are only created/removed) */
    int has_cpus;
    char cpus[256];
};

struct hrec {
    struct sc_handle h;
    int backdrop;
};

struct payload {
    char name[SC_NAME_MAX];
    char cgroup[SC_NAME_MAX];
    pid_t pid;
    int index;
    int backdrop;
};

struct eng {
    struct sc_plan *p;
    struct agent *a;
    struct sc_cg_ctx cg;
    struct sc_wenv wenv;
    struct cgrec cgs[MAX_CGROUPS];
    int ncg;
    struct hrec *hs[MAX_HANDLES];
    int nh;
    struct payload pl[MAX_PAYLOADS];
    int npl;
    int payload_seq;
    uint64_t t0_ms;
    uint64_t duration_ms;
    int in_backdrop;        /* setup of the backdrop: everything created is scenario-long */
    char err[512];
};

static uint64_t now_ms(void) { return agent_now_ms(); }

/* Sleeps up to ms in 10 ms slices; returns 1 if the host asked us to stop. */
static int hold(uint64_t ms)
{
    uint64_t end = now_ms() + ms;
    for (;;) {
        if (agent_stop_requested())
            return 1;
        uint64_t t = now_ms();
        if (t >= end)
            return 0;
        uint64_t left = end - t;
        struct timespec ts = {0, (long)((left < 10 ? left : 10) * 1000000)};
        nanosleep(&ts, NULL);
    }
}

static struct cgrec *find_cg(struct eng *e, const char *name)
{
    for (int i = 0; i < e->ncg; i++)
        if (!strcmp(e->cgs[i].name, name))
            return &e->cgs[i];
    return NULL;
}

static int add_cg(struct eng *e, const char *name, int explicit_)
{
    /* register implicit parents first so teardown (reverse order) removes children before parents */
    char tmp[SC_NAME_MAX];
    snprintf(tmp, sizeof tmp, "%s", name);
    for (char *s = strchr(tmp, '/'); s; s = strchr(s + 1, '/')) {
        *s = 0;
        if (!find_cg(e, tmp) && add_cg(e, tmp, 0))
            return -1;
        *s = '/';
    }
    struct cgrec *c = find_cg(e, name);
    if (c) {
        if (explicit_ && c->explicit_) {
            snprintf(e->err, sizeof e->err, "cgroup '%s' already exists in this scenario; use a fresh name", name);
            return -1;
        }
        c->explicit_ |= explicit_;
        return 0;
    }
    if (e->ncg >= MAX_CGROUPS) {
        snprintf(e->err, sizeof e->err, "more than %d cgroups", MAX_CGROUPS);
        return -1;
    }
    if (sc_cg_create(&e->cg, name, e->err, sizeof e->err))
        return -1;
    c = &e->cgs[e->ncg++];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->backdrop = e->in_backdrop;
    c->explicit_ = explicit_;
    return 0;
}

static int set_cpus(struct eng *e, struct cgrec *c, const char *cpus)
{
    if (sc_cg_set_cpus(&e->cg, c->name, cpus, e->err, sizeof e->err))
        return -1;
    c->has_cpus = cpus && *cpus;
    snprintf(c->cpus, sizeof c->cpus, "%s", cpus ? cpus : "");
    /* no cpuset controller (cgroup-v1 host): confine the cgroup's live workers by affinity instead */
    if (!e->cg.have_cpuset) {
        cpu_set_t set;
        if (c->has_cpus ? sc_cpulist_parse(cpus, &set) : sc_cpulist_parse(e->p->all_cpus, &set))
            return 0;
        for (int i = 0; i < e->nh; i++)
            if (!strcmp(e->hs[i]->h.cgroup, c->name) && !e->hs[i]->h.stopped)
                for (int k = 0; k < e->hs[i]->h.nworkers; k++)
                    sched_setaffinity(e->hs[i]->h.w[k].pid, sizeof set, &set);
    }
    return 0;
}

static int spawn(struct eng *e, const char *cgroup, const struct sc_work *w)
{
    if (e->nh >= MAX_HANDLES) {
        snprintf(e->err, sizeof e->err, "more than %d worker groups", MAX_HANDLES);
        return -1;
    }
    struct cgrec *c = cgroup ? find_cg(e, cgroup) : NULL;
    if (cgroup && !c) {
        snprintf(e->err, sizeof e->err, "spawn into cgroup '%s', which does not exist (add it first)", cgroup);
        return -1;
    }
    struct hrec *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(e->err, sizeof e->err, "out of memory");
        return -1;
    }
    const char *fallback = c && c->has_cpus && !e->cg.have_cpuset ? c->cpus : NULL;
    if (sc_handle_spawn(&h->h, w, cgroup, &e->cg, &e->wenv, fallback, e->err, sizeof e->err)) {
        free(h);
        return -1;
    }
    if (!cgroup)
        snprintf(h->h.cgroup, sizeof h->h.cgroup, "%s", HOST_LABEL);
    h->backdrop = e->in_backdrop;
    e->hs[e->nh++] = h;
    return 0;
}

static int apply_def(struct eng *e, const struct sc_def *d)
{
    if (add_cg(e, d->name, 1))
        return -1;
    if (d->has_cpus && set_cpus(e, find_cg(e, d->name), d->cpus))
        return -1;
    return spawn(e, d->name, &d->work);
}

/*
 * One WREP message per cgroup and worker group; a group whose reports would exceed WREP_MAX_BYTES (the host refuses
 * messages over 4 MiB) is split into several WREPs of the same cgroup, which consumers concatenate.
 */
#define WREP_MAX_BYTES (3u << 20)

static void flush_wrep(const char *cgroup, struct sc_buf *b)
{
    sc_buf_puts(b, "]}");
    if (b->oom)
        com2_printf("KTSTR4J_WARN worker reports of cgroup %s dropped: out of memory\n", cgroup);
    else
        msg_send(MSG_WORKER_REPORTS, b->p, (uint32_t)b->len);
    sc_buf_free(b);
}

static void start_wrep(const char *cgroup, struct sc_buf *b)
{
    sc_buf_puts(b, "{\"cgroup\":");
    sc_buf_json_str(b, cgroup);
    sc_buf_puts(b, ",\"reports\":[");
}

/* All reports of `cgroup` among the n handles (marking them done), in as few WREPs as the size cap allows. */
static void send_reports(const char *cgroup, struct sc_handle **hs, int n, int *done)
{
    struct sc_buf b = {0};
    start_wrep(cgroup, &b);
    int count = 0;
    for (int k = 0; k < n; k++) {
        if (done[k] || strcmp(hs[k]->cgroup, cgroup))
            continue;
        done[k] = 1;
        for (int i = 0; i < hs[k]->nworkers; i++) {
            struct sc_buf one = {0};
            sc_handle_report_json(hs[k], i, &one);
            if (count && b.len + one.len + 2 > WREP_MAX_BYTES) {
                flush_wrep(cgroup, &b);
                start_wrep(cgroup, &b);
                count = 0;
            }
            if (count++)
                sc_buf_putc(&b, ',');
            if (one.p)
                sc_buf_puts(&b, one.p);
            sc_buf_free(&one);
        }
    }
    flush_wrep(cgroup, &b);
}

/* Stops the selected handles together, sends one WREP per cgroup, frees them. */
static void collect(struct eng *e, int (*pick)(struct hrec *, const void *), const void *arg)
{
    struct sc_handle *sel[MAX_HANDLES];
    int idx[MAX_HANDLES], n = 0;
    for (int i = 0; i < e->nh; i++)
        if (pick(e->hs[i], arg)) {
            idx[n] = i;
            sel[n++] = &e->hs[i]->h;
        }
    if (!n)
        return;
    sc_handles_stop(sel, n, e->p->stop_deadline_ms);
    int *done = calloc((size_t)n, sizeof *done);
    for (int i = 0; i < n && done; i++)
        if (!done[i]) {
            char name[SC_NAME_MAX];
            snprintf(name, sizeof name, "%s", sel[i]->cgroup);
            send_reports(name, sel, n, done);
        }
    free(done);
    /* drop the collected handles, keeping order */
    int w = 0;
    for (int i = 0, k = 0; i < e->nh; i++) {
        if (k < n && idx[k] == i) {
            sc_handle_free(&e->hs[i]->h);
            free(e->hs[i]);
            k++;
        } else {
            e->hs[w++] = e->hs[i];
        }
    }
    e->nh = w;
}

static int pick_step(struct hrec *h, const void *arg) { (void)arg; return !h->backdrop; }
static int pick_all(struct hrec *h, const void *arg) { (void)arg; (void)h; return 1; }
static int pick_cgroup(struct hrec *h, const void *arg)
{
    const char *name = arg;
    size_t n = strlen(name);
    /* the cgroup and everything nested below it */
    return !strncmp(h->h.cgroup, name, n) && (h->h.cgroup[n] == 0 || h->h.cgroup[n] == '/');
}

static void payload_done(struct eng *e, int i, int status)
{
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
    char json[128];
    int n = snprintf(json, sizeof json, "{\"payload_index\":%d,\"metrics\":[],\"exit_code\":%d}", e->pl[i].index,
                     code);
    msg_send(MSG_PAYLOAD_METRICS, json, (uint32_t)n);
    com2_printf("KTSTR4J_PAYLOAD_EXIT name=%s cgroup=%s code=%d\n", e->pl[i].name, e->pl[i].cgroup, code);
    e->pl[i] = e->pl[--e->npl];
}

static void payload_kill(struct eng *e, int i)
{
    kill(e->pl[i].pid, SIGKILL);
    killpg(e->pl[i].pid, SIGKILL);
    int st = 0;
    while (waitpid(e->pl[i].pid, &st, 0) < 0 && errno == EINTR)
        ;
    payload_done(e, i, st);
}

static int find_payload(struct eng *e, const char *name, const char *cgroup)
{
    int found = -1;
    for (int i = 0; i < e->npl; i++) {
        if (strcmp(e->pl[i].name, name) || (*cgroup && strcmp(e->pl[i].cgroup, cgroup)))
            continue;
        if (found >= 0) {
            snprintf(e->err, sizeof e->err, "payload '%s' runs in several cgroups; name one with cgroup=", name);
            return -2;
        }
        found = i;
    }
    if (found == -1)
        snprintf(e->err, sizeof e->err, "payload '%s'%s%s is not running (never started, or already waited/killed)",
                 name, *cgroup ? " in cgroup " : "", cgroup);
    return found;
}

static int run_payload(struct eng *e, const struct sc_op *op)
{
    if (e->npl >= MAX_PAYLOADS) {
        snprintf(e->err, sizeof e->err, "more than %d live payloads", MAX_PAYLOADS);
        return -1;
    }
    for (int i = 0; i < e->npl; i++)
        if (!strcmp(e->pl[i].name, op->a) && !strcmp(e->pl[i].cgroup, op->b)) {
            snprintf(e->err, sizeof e->err, "payload '%s' is already running in cgroup '%s'; wait or kill it first",
                     op->a, op->b);
            return -1;
        }
    if (op->b[0] && !find_cg(e, op->b)) {
        snprintf(e->err, sizeof e->err, "payload '%s': cgroup '%s' does not exist", op->a, op->b);
        return -1;
    }
    char args[sizeof op->args];
    snprintf(args, sizeof args, "%s", op->args);
    char *argv[64];
    int argc = 0;
    argv[argc++] = (char *)op->exe;
    for (char *save = NULL, *t = strtok_r(args, " ", &save); t && argc < 63; t = strtok_r(NULL, " ", &save))
        argv[argc++] = t;
    argv[argc] = NULL;
    int sp[2];
    if (pipe2(sp, O_CLOEXEC)) {
        snprintf(e->err, sizeof e->err, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(sp[0]);
        close(sp[1]);
        snprintf(e->err, sizeof e->err, "fork payload '%s': %s", op->a, strerror(errno));
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0);
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_DFL;
        for (int s = 1; s < 32; s++)
            if (s != SIGKILL && s != SIGSTOP)
                sigaction(s, &sa, NULL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        char go;
        close(sp[1]);
        if (read(sp[0], &go, 1) != 1)
            _exit(111);
        execv(op->exe, argv);
        com2_printf("KTSTR4J_PAYLOAD_EXEC_FAILED exe=%s: %s\n", op->exe, strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid);
    close(sp[0]);
    if (op->b[0] && sc_cg_move(&e->cg, op->b, pid, e->err, sizeof e->err)) {
        close(sp[1]);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return -1;
    }
    char go = 'g';
    if (write(sp[1], &go, 1) != 1) { /* the child is gone; waitpid below reports it */ }
    close(sp[1]);
    struct payload *p = &e->pl[e->npl++];
    snprintf(p->name, sizeof p->name, "%s", op->a);
    snprintf(p->cgroup, sizeof p->cgroup, "%s", op->b);
    p->pid = pid;
    p->index = e->payload_seq++;
    p->backdrop = e->in_backdrop;
    com2_printf("KTSTR4J_PAYLOAD_START name=%s pid=%d cgroup=%s\n", p->name, (int)pid, p->cgroup);
    return 0;
}

static int live_workers(struct eng *e)
{
    int n = 0;
    for (int i = 0; i < e->nh; i++)
        if (!e->hs[i]->h.stopped)
            n += e->hs[i]->h.nworkers;
    return n;
}

static int explicit_cgroups(struct eng *e)
{
    int n = 0;
    for (int i = 0; i < e->ncg; i++)
        n += e->cgs[i].explicit_;
    return n;
}

static void remove_cg_tree(struct eng *e, const char *name)
{
    size_t n = strlen(name);
    for (int i = e->ncg - 1; i >= 0; i--) {
        const char *c = e->cgs[i].name;
        if (strncmp(c, name, n) || (c[n] && c[n] != '/'))
            continue;
        int r = sc_cg_remove(&e->cg, c);
        if (r)
            com2_printf("KTSTR4J_WARN rmdir cgroup %s: %s\n", c, strerror(-r));
        memmove(&e->cgs[i], &e->cgs[i + 1], (size_t)(e->ncg - i - 1) * sizeof e->cgs[0]);
        e->ncg--;
    }
}

static int apply_op(struct eng *e, const struct sc_op *op)
{
    struct cgrec *c;
    switch (op->kind) {
    case OP_ADD_CGROUP:
        return add_cg(e, op->a, 1);
    case OP_REMOVE_CGROUP:
        if (!(c = find_cg(e, op->a)))
            return 0;  /* like ENOENT in ktstr: nothing to remove */
        if (c->backdrop && !e->in_backdrop) {
            snprintf(e->err, sizeof e->err, "remove_cgroup targets backdrop cgroup '%s', which lives for the whole "
                     "scenario", op->a);
            return -1;
        }
        for (int i = e->npl - 1; i >= 0; i--) {
            size_t n = strlen(op->a);
            const char *pc = e->pl[i].cgroup;
            if (!strncmp(pc, op->a, n) && (pc[n] == 0 || pc[n] == '/'))
                payload_kill(e, i);
        }
        collect(e, pick_cgroup, op->a);
        remove_cg_tree(e, op->a);
        return 0;
    case OP_SET_CPUSET:
        if (!(c = find_cg(e, op->a))) {
            snprintf(e->err, sizeof e->err, "set_cpuset: cgroup '%s' does not exist", op->a);
            return -1;
        }
        return set_cpus(e, c, op->cpus);
    case OP_CLEAR_CPUSET:
        if (!(c = find_cg(e, op->a))) {
            snprintf(e->err, sizeof e->err, "clear_cpuset: cgroup '%s' does not exist", op->a);
            return -1;
        }
        return set_cpus(e, c, "");
    case OP_SWAP_CPUSETS: {
        struct cgrec *x = find_cg(e, op->a), *y = find_cg(e, op->b);
        if (!x || !y) {
            snprintf(e->err, sizeof e->err, "swap_cpusets: cgroup '%s' does not exist", x ? op->b : op->a);
            return -1;
        }
        char ca[256], cb[256];
        int ha = x->has_cpus, hb = y->has_cpus;
        snprintf(ca, sizeof ca, "%s", x->cpus);
        snprintf(cb, sizeof cb, "%s", y->cpus);
        /* only cpusets that were set move; widen first so the kernel never sees an invalid intermediate state */
        if (ha && set_cpus(e, y, ca))
            return -1;
        if (hb && set_cpus(e, x, cb))
            return -1;
        return 0;
    }
    case OP_SPAWN:
        return spawn(e, op->a, &op->work);
    case OP_STOP_CGROUP:
        if ((c = find_cg(e, op->a)) && c->backdrop && !e->in_backdrop) {
            snprintf(e->err, sizeof e->err, "stop_cgroup targets backdrop cgroup '%s', whose workers live for the "
                     "whole scenario", op->a);
            return -1;
        }
        collect(e, pick_cgroup, op->a);
        return 0;
    case OP_SET_AFFINITY:
        for (int i = 0; i < e->nh; i++)
            if (!strcmp(e->hs[i]->h.cgroup, op->a))
                sc_handle_set_affinity(&e->hs[i]->h, &op->work);
        return 0;
    case OP_SPAWN_HOST:
        return spawn(e, NULL, &op->work);
    case OP_MOVE_ALL_TASKS: {
        struct cgrec *from = find_cg(e, op->a), *to = find_cg(e, op->b);
        if (!to) {
            snprintf(e->err, sizeof e->err, "move_all_tasks: target cgroup '%s' does not exist", op->b);
            return -1;
        }
        if (from && from->backdrop && !to->backdrop && !e->in_backdrop) {
            snprintf(e->err, sizeof e->err, "move_all_tasks from backdrop cgroup '%s' to step-local '%s' would strand "
                     "scenario-long workers in a cgroup that disappears at the step's end", op->a, op->b);
            return -1;
        }
        /* cgroup v2: a cgroup that hands controllers to children cannot hold processes itself */
        sc_cg_clear_subtree(&e->cg, op->b);
        for (int i = 0; i < e->nh; i++) {
            struct sc_handle *h = &e->hs[i]->h;
            if (strcmp(h->cgroup, op->a) || h->stopped)
                continue;
            for (int k = 0; k < h->nworkers; k++)
                if (sc_cg_move(&e->cg, op->b, h->w[k].pid, e->err, sizeof e->err))
                    return -1;
            snprintf(h->cgroup, sizeof h->cgroup, "%s", op->b);
            if (!e->cg.have_cpuset && to->has_cpus) {
                cpu_set_t set;
                if (!sc_cpulist_parse(to->cpus, &set))
                    for (int k = 0; k < h->nworkers; k++)
                        sched_setaffinity(h->w[k].pid, sizeof set, &set);
            }
        }
        return 0;
    }
    case OP_RUN_PAYLOAD:
        return run_payload(e, op);
    case OP_WAIT_PAYLOAD:
    case OP_KILL_PAYLOAD: {
        int i = find_payload(e, op->a, op->b);
        if (i < 0)
            return -1;
        if (op->kind == OP_KILL_PAYLOAD) {
            payload_kill(e, i);
            return 0;
        }
        int st = 0;
        for (;;) {  /* no timeout, as in ktstr: the host watchdog bounds a payload that never ends */
            pid_t r = waitpid(e->pl[i].pid, &st, WNOHANG);
            if (r == e->pl[i].pid)
                break;
            if (r < 0 && errno != EINTR) {
                st = 0;
                break;
            }
            if (agent_stop_requested()) {
                payload_kill(e, i);
                return 0;
            }
            struct timespec ts = {0, 10000000};
            nanosleep(&ts, NULL);
        }
        payload_done(e, i, st);
        return 0;
    }
    default:
        snprintf(e->err, sizeof e->err, "unknown op kind %d", (int)op->kind);
        return -1;
    }
}

static void stimulus(struct eng *e, int step, const struct sc_step *st)
{
    uint32_t kinds = 0;
    for (int i = 0; i < st->nops; i++)
        kinds |= 1u << st->ops[i].kind;
    uint64_t iters = 0;
    for (int i = 0; i < e->nh; i++)
        iters += sc_handle_iterations(&e->hs[i]->h);
    int cg = explicit_cgroups(e), wk = live_workers(e);
    struct stimulus_payload s = {
        .elapsed_ms = (uint32_t)(now_ms() - e->t0_ms),
        .step_index = (uint16_t)(step > 0xffff ? 0xffff : step),
        .op_count = (uint16_t)(st->nops > 0xffff ? 0xffff : st->nops),
        .op_kinds = kinds,
        .cgroup_count = (uint16_t)(cg > 0xffff ? 0xffff : cg),
        .worker_count = (uint16_t)(wk > 0xffff ? 0xffff : wk),
        .total_iterations = iters,
    };
    msg_send(MSG_STIMULUS, &s, sizeof s);
    com2_printf("KTSTR4J_STEP %d elapsed_ms=%u ops=%d op_kinds=0x%x cgroups=%d workers=%d iterations=%llu\n", step,
                s.elapsed_ms, st->nops, kinds, cg, wk, (unsigned long long)iters);
}

/* Ends the step: stop its workers (reports), kill its payloads, remove its cgroups. */
static void teardown(struct eng *e, int backdrop_too)
{
    for (int i = e->npl - 1; i >= 0; i--)
        if (backdrop_too || !e->pl[i].backdrop)
            payload_kill(e, i);
    collect(e, backdrop_too ? pick_all : pick_step, NULL);
    for (int i = e->ncg - 1; i >= 0; i--) {
        if (!backdrop_too && e->cgs[i].backdrop)
            continue;
        int r = sc_cg_remove(&e->cg, e->cgs[i].name);
        if (r)
            com2_printf("KTSTR4J_WARN rmdir cgroup %s: %s\n", e->cgs[i].name, strerror(-r));
        memmove(&e->cgs[i], &e->cgs[i + 1], (size_t)(e->ncg - i - 1) * sizeof e->cgs[0]);
        e->ncg--;
    }
}

static int op_failed(struct eng *e, int i, const struct sc_op *op)
{
    char tmp[sizeof e->err];
    snprintf(tmp, sizeof tmp, "op %d (%s): %.450s", i, sc_op_name(op->kind), e->err);
    memcpy(e->err, tmp, sizeof tmp);
    return -1;
}

static int run_step(struct eng *e, int idx, const struct sc_step *st)
{
    if (st->hold == HOLD_LOOP) {
        for (int i = 0; i < st->ndefs; i++)
            if (apply_def(e, &st->defs[i]))
                return -1;
        uint64_t deadline = e->t0_ms + e->duration_ms;
        int first = 1;
        do {
            for (int i = 0; i < st->nops; i++)
                if (apply_op(e, &st->ops[i]))
                    return op_failed(e, i, &st->ops[i]);
            if (first)
                stimulus(e, idx, st);
            first = 0;
            uint64_t t = now_ms();
            if (t >= deadline || hold(deadline - t < st->ms ? deadline - t : st->ms))
                break;
        } while (now_ms() < deadline);
        return 0;
    }
    for (int i = 0; i < st->nops; i++)
        if (apply_op(e, &st->ops[i]))
            return op_failed(e, i, &st->ops[i]);
    for (int i = 0; i < st->ndefs; i++)
        if (apply_def(e, &st->defs[i]))
            return -1;
    stimulus(e, idx, st);
    uint64_t ms = st->hold == HOLD_FIXED ? st->ms : (uint64_t)((double)e->duration_ms * st->frac + 0.5);
    hold(ms);
    return 0;
}

static int sched_gone(struct eng *e)
{
    return e->a->sched_pid > 0 && !agent_sched_alive(e->a);
}

int scenario_run(const char *plan_path, struct agent *a)
{
    struct sc_plan plan;
    char err[512];
    if (sc_plan_load(plan_path, &plan, err, sizeof err)) {
        agent_result_fail(a, "Other", "%s", err);
        com2_printf("KTSTR4J_PLAN_ERROR %s\n", err);
        return 2;
    }
    struct eng *e = calloc(1, sizeof *e);
    if (!e) {
        sc_plan_free(&plan);
        agent_result_fail(a, "Other", "scenario engine: out of memory");
        return 2;
    }
    e->p = &plan;
    e->a = a;
    e->duration_ms = a->cfg.duration_ms ? a->cfg.duration_ms : plan.duration_ms;
    e->wenv.sched_pid = a->sched_pid;
    e->wenv.watchdog_ns = plan.watchdog_ms * 1000000ull;
    sc_cg_init(&e->cg, a->cgroup_root, a->cgroup_controllers);
    com2_printf("KTSTR4J_SCENARIO name=%s duration_ms=%llu steps=%d backdrop=%d cgroup_root=%s cpuset=%s\n",
                plan.name[0] ? plan.name : "(unnamed)", (unsigned long long)e->duration_ms, plan.nsteps,
                plan.nbackdrop, e->cg.root, e->cg.have_cpuset ? "cgroup" : "affinity-fallback");

    int code = 0;
    msg_send(MSG_SCENARIO_START, NULL, 0);
    e->t0_ms = now_ms();
    e->in_backdrop = 1;
    for (int i = 0; i < plan.nbackdrop && !code; i++)
        if (apply_def(e, &plan.backdrop[i])) {
            agent_result_fail(a, "Other", "backdrop cgroup '%s' failed: %s", plan.backdrop[i].name, e->err);
            code = 1;
        }
    e->in_backdrop = 0;
    for (int s = 0; s < plan.nsteps && !code; s++) {
        if (s > 0 && sched_gone(e)) {
            agent_result_fail(a, "SchedulerDied", "scheduler died after step %d of %d (%.1fs into the scenario)",
                              s - 1, plan.nsteps, (double)(now_ms() - e->t0_ms) / 1000.0);
            code = 1;
            break;
        }
        if (agent_stop_requested()) {
            agent_result_note(a, "Other", "stop requested before step %d", s);
            break;
        }
        if (run_step(e, s, &plan.steps[s])) {
            agent_result_fail(a, "Other", "step %d failed: %s", s, e->err);
            com2_printf("KTSTR4J_STEP_ERROR step=%d %s\n", s, e->err);
            code = 1;
        }
        teardown(e, 0);
    }
    uint32_t elapsed = (uint32_t)(now_ms() - e->t0_ms);
    msg_send(MSG_SCENARIO_END, &elapsed, sizeof elapsed);
    teardown(e, 1);
    if (!code && sched_gone(e)) {
        agent_result_fail(a, "SchedulerDied", "scheduler died during the scenario (%d steps, %.1fs)", plan.nsteps,
                          (double)elapsed / 1000.0);
        code = 1;
    }
    free(e);
    sc_plan_free(&plan);
    return code;
}
