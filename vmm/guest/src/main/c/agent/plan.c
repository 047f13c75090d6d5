/* Plan dispatch and the built-in "trivial" plan (the scenario engine handles "ktstr4j-plan v1"). */
#define _GNU_SOURCE
#include "agent.h"
#include "channel.h"

#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

__attribute__((weak)) int scenario_run(const char *plan_path, struct agent *a) {
    agent_result_fail(a, "Other", "plan %s is 'ktstr4j-plan v1' but the scenario engine is not built into this agent",
                      plan_path);
    return 2;
}

__attribute__((weak)) int scenario_check(const char *plan_path, char *err, size_t errlen) {
    snprintf(err, errlen, "plan %s is 'ktstr4j-plan v1' but the scenario engine is not built into this agent",
             plan_path);
    return -1;
}

/* Splits a plan line in place into its command and its argument (leading blanks skipped); 0 for a blank line or a
 * comment. One tokenizer for the checker and the runner, so both read a line the same way. */
static int split_plan_line(char *line, char **cmd, char **arg) {
    line[strcspn(line, "\r\n")] = 0;
    char *c = line + strspn(line, " \t");
    if (!*c || *c == '#') {
        return 0;
    }
    char *a = c + strcspn(c, " \t");
    if (*a) {
        *a++ = 0;
        a += strspn(a, " \t");
    }
    *cmd = c;
    *arg = a;
    return 1;
}

static int check_fail(char *err, size_t errlen, unsigned lineno, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int check_fail(char *err, size_t errlen, unsigned lineno, const char *fmt, ...) {
    int n = snprintf(err, errlen, "plan line %u: ", lineno);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t) n < errlen) {
        vsnprintf(err + n, errlen - (size_t) n, fmt, ap);
    }
    va_end(ap);
    return -1;
}

/* A whole non-negative number (decimal, or 0x hex as strtoull base 0 reads it). */
static int is_count(const char *s) {
    char *end;
    errno = 0;
    if (!*s || *s == '-' || *s == '+') {
        return 0;
    }
    strtoull(s, &end, 0);
    return !errno && !*end;
}

/*
 * Checks a "ktstr4j-plan trivial" file (positioned after its first line) without running anything: every line must
 * be a known step with a valid argument. run_trivial checks first, so a typo on line 9 fails before line 2 runs.
 */
static int check_trivial(FILE *f, char *err, size_t errlen) {
    char line[512];
    for (unsigned lineno = 2; fgets(line, sizeof line, f); lineno++) {
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n' && !feof(f)) {
            return check_fail(err, errlen, lineno, "longer than %zu bytes", sizeof line - 2);
        }
        char *cmd;
        char *arg;
        if (!split_plan_line(line, &cmd, &arg)) {
            continue;
        }
        for (size_t n = strlen(arg); n > 0 && (arg[n - 1] == ' ' || arg[n - 1] == '\t'); n--) {
            arg[n - 1] = 0;
        }
        if (!strcmp(cmd, "sleep_ms") || !strcmp(cmd, "kill_scheduler_after_ms") || !strcmp(cmd, "flood")) {
            if (!is_count(arg)) {
                return check_fail(err, errlen, lineno, "%s: expected a non-negative number, got '%s'", cmd, arg);
            }
        } else if (!strcmp(cmd, "exit_code")) {
            char *end;
            errno = 0;
            long v = strtol(arg, &end, 0);
            if (!*arg || *end || errno || v < -2147483648L || v > 2147483647L) {
                return check_fail(err, errlen, lineno, "exit_code: expected an int, got '%s'", arg);
            }
        } else if (!strcmp(cmd, "kill_scheduler") || !strcmp(cmd, "stimulus")) {
            if (*arg) {
                return check_fail(err, errlen, lineno, "%s takes no argument, got '%s'", cmd, arg);
            }
        } else if (strcmp(cmd, "fail") && strcmp(cmd, "skip") && strcmp(cmd, "crash")) {
            return check_fail(err, errlen, lineno, "unknown step '%s' (expected sleep_ms, kill_scheduler, "
                              "kill_scheduler_after_ms, stimulus, flood, fail, skip, crash or exit_code)", cmd);
        }
    }
    if (ferror(f)) {
        snprintf(err, errlen, "read error");
        return -1;
    }
    return 0;
}

int plan_check(const char *path, char *err, size_t errlen) {
    FILE *f = fopen(path, "re");
    if (!f) {
        snprintf(err, errlen, "cannot open plan %s: %s", path, strerror(errno));
        return -1;
    }
    char first[128] = "";
    if (!fgets(first, sizeof first, f)) {
        first[0] = 0;
    }
    first[strcspn(first, "\r\n")] = 0;
    int rc;
    if (strcmp(first, "ktstr4j-plan trivial") == 0) {
        rc = check_trivial(f, err, errlen);
        fclose(f);
    } else if (strcmp(first, "ktstr4j-plan v1") == 0) {
        fclose(f);
        rc = scenario_check(path, err, errlen);
    } else {
        fclose(f);
        rc = check_fail(err, errlen, 1, "first line is '%.60s', expected 'ktstr4j-plan trivial' or 'ktstr4j-plan v1'",
                        first);
    }
    return rc;
}

/* Sleeps in 10 ms slices so a stop request ends it early. Returns 1 when stopped. */
static int sleep_ms(uint64_t ms) {
    uint64_t end = agent_now_ms() + ms;
    while (agent_now_ms() < end) {
        if (agent_stop_requested()) {
            return 1;
        }
        uint64_t left = end - agent_now_ms();
        struct timespec ts = {0, (long) ((left < 10 ? left : 10) * 1000000)};
        nanosleep(&ts, NULL);
    }
    return 0;
}

/* elapsed from the plan's start, as SCENARIO_END's (and the scenario engine's) */
static void stimulus(uint64_t t0, unsigned step, unsigned ops, uint64_t iterations) {
    struct stimulus_payload s = {
        .elapsed_ms = (uint32_t) (agent_now_ms() - t0),
        .step_index = (uint16_t) step,
        .op_count = (uint16_t) ops,
        .op_kinds = 0,
        .cgroup_count = 0,
        .worker_count = 0,
        .total_iterations = iterations,
    };
    msg_send(MSG_STIMULUS, &s, sizeof s);
}

/*
 * ktstr4j-plan trivial: one step per line, a STIMULUS after each.
 *   sleep_ms N | kill_scheduler | kill_scheduler_after_ms N | stimulus | flood COUNT |
 *   fail KIND MESSAGE... | skip MESSAGE... | crash MESSAGE... | exit_code N | # comment
 */
static int run_trivial(FILE *f, const char *path, struct agent *a) {
    char line[512];
    unsigned step = 0;
    int code = 0;
    uint64_t t0 = agent_now_ms();
    msg_send(MSG_SCENARIO_START, NULL, 0);
    for (unsigned lineno = 2; fgets(line, sizeof line, f); lineno++) {
        char *cmd;
        char *arg;
        if (!split_plan_line(line, &cmd, &arg)) {
            continue;
        }
        uint64_t iterations = 0;
        if (agent_stop_requested()) {
            agent_result_note(a, "Other", "stop requested before step %u", step);
            break;
        }
        if (strcmp(cmd, "sleep_ms") == 0) {
            sleep_ms(strtoull(arg, NULL, 0));
        } else if (strcmp(cmd, "kill_scheduler_after_ms") == 0 || strcmp(cmd, "kill_scheduler") == 0) {
            if (strcmp(cmd, "kill_scheduler_after_ms") == 0) {
                sleep_ms(strtoull(arg, NULL, 0));
            }
            if (a->sched_pid > 0 && agent_sched_alive(a)) {
                com2_printf("KTSTR4J_KILL_SCHEDULER pid=%d\n", a->sched_pid);
                kill(a->sched_pid, SIGKILL);
            } else {
                agent_result_note(a, "Other", "kill_scheduler: no live scheduler");
            }
        } else if (strcmp(cmd, "stimulus") == 0) {
            /* the step itself is the stimulus */
        } else if (strcmp(cmd, "flood") == 0) {
            uint64_t n = strtoull(arg, NULL, 0);
            for (uint64_t i = 0; i < n; i++) {
                stimulus(t0, step, 0, i);
            }
            iterations = n;
        } else if (strcmp(cmd, "fail") == 0) {
            char *msg = arg + strcspn(arg, " \t");
            if (*msg) {
                *msg++ = 0;
            }
            agent_result_fail(a, *arg ? arg : "Other", "%s", msg);
        } else if (strcmp(cmd, "skip") == 0) {
            agent_result_skip(a, "%s", arg);
        } else if (strcmp(cmd, "crash") == 0) {
            msg_send(MSG_CRASH, arg, (uint32_t) strlen(arg));
        } else if (strcmp(cmd, "exit_code") == 0) {
            code = (int) strtol(arg, NULL, 0);
        } else {
            agent_result_fail(a, "Other", "%s line %u: unknown step '%s'", path, lineno, cmd);
            code = 2;
            break;
        }
        stimulus(t0, step++, 1, iterations);
    }
    uint32_t elapsed = (uint32_t) (agent_now_ms() - t0);
    msg_send(MSG_SCENARIO_END, &elapsed, sizeof elapsed);
    return code;
}

int run_plan(const char *path, struct agent *a) {
    FILE *f = fopen(path, "re");
    if (!f) {
        agent_result_fail(a, "Other", "plan file %s: %s", path, strerror(errno));
        return 2;
    }
    char first[128] = "";
    if (!fgets(first, sizeof first, f)) {
        first[0] = 0;
    }
    first[strcspn(first, "\r\n")] = 0;
    int code;
    if (strcmp(first, "ktstr4j-plan trivial") == 0) {
        char err[512];
        if (check_trivial(f, err, sizeof err)) {
            fclose(f);
            agent_result_fail(a, "Other", "plan file %s: %s", path, err);
            return 2;
        }
        rewind(f);
        if (!fgets(first, sizeof first, f)) {
            first[0] = 0;
        }
        code = run_trivial(f, path, a);
        fclose(f);
    } else if (strcmp(first, "ktstr4j-plan v1") == 0) {
        fclose(f);
        code = scenario_run(path, a);
    } else {
        fclose(f);
        agent_result_fail(a, "Other",
                          "plan file %s: first line is '%s', expected 'ktstr4j-plan trivial' or 'ktstr4j-plan v1'",
                          path, first);
        code = 2;
    }
    return code;
}
