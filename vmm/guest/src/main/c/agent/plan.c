/* Plan dispatch and the built-in "trivial" plan (the scenario engine handles "ktstr4j-plan v1"). */
#define _GNU_SOURCE
#include "agent.h"
#include "channel.h"

#include <errno.h>
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
        line[strcspn(line, "\r\n")] = 0;
        char *cmd = line + strspn(line, " \t");
        if (!*cmd || *cmd == '#') {
            continue;
        }
        char *arg = cmd + strcspn(cmd, " \t");
        if (*arg) {
            *arg++ = 0;
            arg += strspn(arg, " \t");
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
