/*
 * cgroup v2 helpers below the agent's cgroup root. Nested names ("cg_0/sub_a") create their parents and enable the
 * cpuset/cpu controllers on the way down. When the root has no cpuset controller (a cgroup-v1 host in --host mode),
 * cpuset writes are skipped and the engine confines workers with sched_setaffinity instead.
 */
#include "sc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int write_file_retry(const char *path, const char *val, int retries)
{
    for (int attempt = 0;; attempt++) {
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
            return -errno;
        ssize_t n = write(fd, val, strlen(val));
        int e = n < 0 ? errno : 0;
        close(fd);
        if (!e)
            return 0;
        if (e != EBUSY || attempt >= retries)
            return -e;
        struct timespec ts = {0, 100000000};
        nanosleep(&ts, NULL);
    }
}

/* First line of a file, newline stripped; 0 or -errno. */
static int read_line(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = read(fd, buf, len - 1);
    int e = n < 0 ? errno : 0;
    close(fd);
    if (n < 0)
        return -e;
    buf[n] = 0;
    buf[strcspn(buf, "\n")] = 0;
    return 0;
}

/* cpuset and procs writes can transiently fail with EBUSY while the kernel settles a change: retry 3x 100 ms */
static int write_file(const char *path, const char *val) { return write_file_retry(path, val, 3); }

static void path_of(const struct sc_cg_ctx *c, const char *name, const char *file, char *out, size_t len)
{
    if (name && *name)
        snprintf(out, len, "%s/%s%s%s", c->root, name, file ? "/" : "", file ? file : "");
    else
        snprintf(out, len, "%s%s%s", c->root, file ? "/" : "", file ? file : "");
}

/* Enables cpuset for the children of dir; EBUSY here is permanent (dir holds processes), so no retry. */
static int enable_cpuset_below(const char *dir)
{
    char p[512];
    snprintf(p, sizeof p, "%s/cgroup.subtree_control", dir);
    return write_file_retry(p, "+cpuset", 0);
}

void sc_cg_init(struct sc_cg_ctx *c, const char *root, const char *controllers)
{
    memset(c, 0, sizeof *c);
    snprintf(c->root, sizeof c->root, "%s", root);
    char tmp[256];
    snprintf(tmp, sizeof tmp, " %s ", controllers ? controllers : "");
    c->have_cpuset = strstr(tmp, " cpuset ") != NULL;
    c->have_cpu = strstr(tmp, " cpu ") != NULL;
}

int sc_cg_create(struct sc_cg_ctx *c, const char *name, char *err, size_t errlen)
{
    char p[512];
    path_of(c, NULL, NULL, p, sizeof p);
    size_t base = strlen(p);
    /* create each level; enable controllers in a parent before its children need them */
    const char *s = name;
    while (*s) {
        const char *slash = strchr(s, '/');
        size_t seg = slash ? (size_t)(slash - s) : strlen(s);
        if (base + 1 + seg >= sizeof p) {
            snprintf(err, errlen, "cgroup path %s/%s is too long", c->root, name);
            return -1;
        }
        p[base++] = '/';
        memcpy(p + base, s, seg);
        base += seg;
        p[base] = 0;
        if (mkdir(p, 0755) && errno != EEXIST) {
            snprintf(err, errlen, "mkdir %s: %s", p, strerror(errno));
            return -1;
        }
        s = slash ? slash + 1 : s + seg;
    }
    return 0;
}

int sc_cg_remove(struct sc_cg_ctx *c, const char *name)
{
    char p[512];
    path_of(c, name, NULL, p, sizeof p);
    /* the processes were just killed; their exit can lag the rmdir by a moment (EBUSY) */
    for (int i = 0; i < 20; i++) {
        if (!rmdir(p) || errno == ENOENT)
            return 0;
        if (errno != EBUSY)
            break;
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    return -errno;
}

int sc_cg_set_cpus(struct sc_cg_ctx *c, const char *name, const char *cpus, char *err, size_t errlen)
{
    if (!c->have_cpuset)
        return 0;
    char p[512];
    /* the root and every ancestor must hand cpuset down to this cgroup */
    snprintf(p, sizeof p, "%s", c->root);
    size_t base = strlen(p);
    for (const char *s = name;;) {
        int r = enable_cpuset_below(p);
        if (r && r != -ENOENT) {
            snprintf(err, errlen, "enable cpuset in %s/cgroup.subtree_control: %s%s", p, strerror(-r),
                     r == -EBUSY ? " (it holds processes; cgroup v2 allows no processes in a cgroup whose children "
                                   "get controllers)" : "");
            return -1;
        }
        const char *slash = strchr(s, '/');
        if (!slash)
            break;
        snprintf(p + base, sizeof p - base, "/%.*s", (int)(slash - s), s);
        base = strlen(p);
        s = slash + 1;
    }
    char parent[512];
    snprintf(parent, sizeof parent, "%s", p);
    path_of(c, name, "cpuset.cpus", p, sizeof p);
    int r = write_file(p, cpus && *cpus ? cpus : "\n");
    if (r == -ENOSPC && !(cpus && *cpus)) {
        /*
         * Clearing: the kernel refuses to empty the cpuset of a cgroup that holds tasks (validate_change: ENOSPC,
         * cgroup v2 included), so give it what an empty cpuset would inherit, the parent's effective CPUs.
         */
        char eff[256], ep[600];
        snprintf(ep, sizeof ep, "%s/cpuset.cpus.effective", parent);
        if (read_line(ep, eff, sizeof eff) == 0 && eff[0])
            r = write_file(p, eff);
    }
    if (r) {
        snprintf(err, errlen, "write '%s' to %s: %s", cpus && *cpus ? cpus : "", p, strerror(-r));
        return -1;
    }
    return 0;
}

int sc_cg_move(struct sc_cg_ctx *c, const char *name, pid_t pid, char *err, size_t errlen)
{
    char p[512], v[32];
    path_of(c, name, "cgroup.procs", p, sizeof p);
    snprintf(v, sizeof v, "%d", (int)pid);
    int r = write_file(p, v);
    if (r) {
        snprintf(err, errlen, "move pid %d to %s: %s", (int)pid, p, strerror(-r));
        return -1;
    }
    return 0;
}

int sc_cg_clear_subtree(struct sc_cg_ctx *c, const char *name)
{
    char p[512];
    path_of(c, name, "cgroup.subtree_control", p, sizeof p);
    int r1 = c->have_cpuset ? write_file_retry(p, "-cpuset", 0) : 0;
    int r2 = c->have_cpu ? write_file_retry(p, "-cpu", 0) : 0;
    return r1 ? r1 : r2;
}
