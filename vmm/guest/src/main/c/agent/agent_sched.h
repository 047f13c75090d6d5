/* Agent-core internals: the scheduler under test. */
#ifndef KTSTR4J_AGENT_SCHED_H
#define KTSTR4J_AGENT_SCHED_H
#include "agent.h"

/* Starts `bin` with one argument per line of `args_file` (may be NULL), relays its stdout/stderr to COM2 between
 * ===SCHED_OUTPUT_START=== / ===SCHED_OUTPUT_END===, sends SCHED_EXIT as soon as it dies, and waits (up to
 * timeout_ms) until sched_ext reports it enabled (and, if expect_ops is non-empty, root/ops equals it).
 * Returns 0 when attached; -1 with a reason in `why`. */
int sched_start(struct agent *a, const char *bin, const char *args_file, const char *expect_ops,
                uint64_t timeout_ms, char *why, size_t whylen);

/* A kernel_builtin scheduler: runs each non-empty line of `lines_file` with `/bin/busybox sh -c LINE`, in order, its
 * output relayed to COM2 between the SCHED_OUTPUT markers (the host shows the last lines in the verdict), each line
 * given at most timeout_ms. `what` names the file's role ("enable", "disable"). Returns 0 when every line exited 0;
 * -1 with the line, its number and its status in `why` at the first that did not. */
int builtin_run(const char *lines_file, const char *what, uint64_t timeout_ms, char *why, size_t whylen);
#endif
