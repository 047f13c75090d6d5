/*
 * ktstr4j guest agent: the internal API shared by the agent core (the .c files in agent/) and the scenario
 * engine (the .c files in agent/scenario/). The whole tree under agent/ is compiled into ONE static binary by the vmm Maven build
 * (gcc -static -O2, every *.c recursively, -I agent/), so scenario code includes this file as "agent.h".
 *
 * Process model: the core runs as PID 1 in a VM (or as a normal process with --host). Scenario code may fork()
 * workers; msg_send(), com2_printf() and stage() are safe to call from forked children (the ring and its lock live
 * in MAP_SHARED memory, every COM2 line is one write()). Do not call them from signal handlers.
 */
#ifndef KTSTR4J_AGENT_H
#define KTSTR4J_AGENT_H

#include <stdint.h>
#include <sys/types.h>

/* ---- TLV message types (ktstr-features.md §4.3, plus WREP and STAG). The value is the ASCII tag read big-endian. */
#define MSG_SCENARIO_START   0x53435354u /* "SCST" empty payload */
#define MSG_STIMULUS         0x5354494Du /* "STIM" struct stimulus_payload (24 bytes, little-endian) */
#define MSG_SCENARIO_END     0x5343454Eu /* "SCEN" u32 elapsed ms */
#define MSG_TEST_RESULT      0x54455354u /* "TEST" JSON AssertResult {passed, skipped, details:[{kind,message}], stats} */
#define MSG_EXIT             0x45584954u /* "EXIT" i32 exit code */
#define MSG_SCHED_EXIT       0x53434458u /* "SCDX" i32 scheduler exit status (exit code, or 128+signal) */
#define MSG_CRASH            0x43525348u /* "CRSH" UTF-8 text */
#define MSG_PAYLOAD_METRICS  0x504D4554u /* "PMET" JSON PayloadMetrics */
#define MSG_WORKER_REPORTS   0x57524550u /* "WREP" JSON {"cgroup": "...", "reports": [WorkerReport...]} */
#define MSG_INIT_STAGE       0x53544147u /* "STAG" stage name, UTF-8, no NUL */

/* STIMULUS payload, exactly ktstr's 24-byte layout (x86_64 is little-endian; packed so sizeof == 24). */
struct __attribute__((packed)) stimulus_payload {
    uint32_t elapsed_ms;
    uint16_t step_index;
    uint16_t op_count;
    uint32_t op_kinds;       /* OpKind bitmask */
    uint16_t cgroup_count;
    uint16_t worker_count;
    uint64_t total_iterations;
};
_Static_assert(sizeof(struct stimulus_payload) == 24, "stimulus payload must be 24 bytes");

enum agent_mode {
    AGENT_MODE_VM = 0,   /* PID 1 inside a test VM */
    AGENT_MODE_HOST = 1, /* --host: a normal process in a cgroup sandbox on the host */
};

/* Parsed configuration (kernel cmdline in a VM, argv in host mode). Read-only for scenario code. */
struct agent_config {
    enum agent_mode mode;
    uint64_t shm_base;        /* KTSTR_SHM_BASE (guest-physical), 0 = no ring */
    uint64_t shm_size;        /* KTSTR_SHM_SIZE */
    char run_mode[32];        /* KTSTR_MODE value, e.g. "run" */
    uint64_t duration_ms;     /* KTSTR_DURATION_MS / --duration-ms; 0 = not given (the plan decides) */
    char plan_path[256];      /* "/plan" in a VM, --plan FILE in host mode */
};

#define AGENT_MAX_DETAILS 64

/* The test result the core sends as TEST_RESULT after the plan ran. Scenario code fills it via agent_result_*(). */
struct agent_result {
    int passed;               /* starts at 1 */
    int skipped;
    int ndetails;
    char kind[AGENT_MAX_DETAILS][32];   /* ktstr DetailKind name: Starved, Stuck, Unfair, ..., SchedulerDied, Skip, Other */
    char message[AGENT_MAX_DETAILS][256];
    char *stats_json;         /* optional: a ScenarioStats JSON object (malloc'd) emitted as "stats"; NULL -> omitted */
    int dropped_details;      /* details not kept because AGENT_MAX_DETAILS were already there */
};

struct agent {
    struct agent_config cfg;
    char cgroup_root[256];    /* "/sys/fs/cgroup" in a VM; "<cgroup2 mount>/ktstr4j-<pid>" (sandbox) in host mode */
    char cgroup_controllers[128]; /* controllers enabled for children of cgroup_root, space-separated ("" = none;
                                   * e.g. a host with cgroup v1 owning cpuset/cpu): degrade, don't fail */
    volatile pid_t sched_pid; /* the scheduler process, 0 when none (EEVDF) */
    volatile int sched_exited;        /* set (once) by the monitor when the scheduler died */
    volatile int sched_exit_status;   /* exit code, or 128+signal */
    uint64_t start_ms;        /* agent_now_ms() at start */
    struct agent_result result;
};

/* The one agent instance (valid after startup, also in forked children). */
struct agent *agent_self(void);

/* Sends one TLV message: SHM ring when available (drops and counts when full), else COM2 between
 * "===KTSTR4J_MSG_START <type-hex> <len> <crc-hex>===" and "===KTSTR4J_MSG_END===" with the payload hex-encoded;
 * in host mode to the --out ring file or stdout. Safe from forked children. */
void msg_send(uint32_t type, const void *payload, uint32_t len);

/* printf to COM2 (ttyS1 in a VM, stderr in host mode). Each call is written with one write(); keep lines < 4 KiB. */
void com2_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Announces an init stage: a STAG message and a "KTSTR4J_STAGE=<name>" COM2 line. */
void stage(const char *name);

/* Milliseconds on CLOCK_MONOTONIC. */
uint64_t agent_now_ms(void);

/* 1 while the scheduler process lives (always 0 when there is none). */
int agent_sched_alive(const struct agent *a);

/* 1 once the host asked for a graceful stop (control byte 0xDD) or, in host mode, SIGINT/SIGTERM arrived.
 * Long-running scenario loops should poll it and wind down. */
int agent_stop_requested(void);

/* Result helpers. agent_result_fail adds a detail and marks the test failed; agent_result_skip marks it skipped
 * (passed stays 1, kind "Skip"); agent_result_note adds a detail without changing the outcome. */
void agent_result_fail(struct agent *a, const char *kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void agent_result_skip(struct agent *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void agent_result_note(struct agent *a, const char *kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The TEST payload: always one complete AssertResult JSON document shorter than cap (>= 256), NUL-terminated;
 * details that do not fit are replaced by a "result truncated: ..." detail. Returns its length. */
size_t agent_result_json(const struct agent *a, char *out, size_t cap);

/* After n = vsnprintf(s, cap, ...): when the text was cut (n >= cap), shortens it to a UTF-8 character boundary and
 * appends "..." so the text stays valid UTF-8. */
void agent_utf8_cut(char *s, size_t cap, size_t n);

/*
 * Implemented by the scenario engine (agent/scenario/) for plan files whose first line is "ktstr4j-plan v1".
 * It sends SCENARIO_START, STIMULUS per step, SCENARIO_END and WREP itself, records failures through agent_result_*,
 * and returns the process exit code (0 = ran to completion). The core then sends TEST_RESULT and EXIT.
 * The core links a weak default that reports "scenario engine not built".
 */
int scenario_run(const char *plan_path, struct agent *a);

/* Checks a "ktstr4j-plan v1" file without running it (the scenario engine's parser); weak default in plan.c.
 * Returns 0, or -1 with "plan line N: ..." (or why the file cannot be read) in err. */
int scenario_check(const char *plan_path, char *err, size_t errlen);

/* Checks a plan file of either kind without running it (ktstr4j-agent --check-plan FILE). 0, or -1 with err. */
int plan_check(const char *path, char *err, size_t errlen);

#endif
