/*
 * Unit tests for the agent's pure parts (plan parser, test result JSON), built and run by the guest module's
 * test phase (pom.xml, execution agent-unit-tests). Linked with -Wl,--wrap=realloc so a test can make realloc fail.
 * Exit 0 when every check passed; each failed check prints "FAIL <file>:<line>: <what>".
 */
#include "agent.h"
#include "scenario/sc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define CHECK(cond, ...)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            failures++;                                                       \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);              \
            fprintf(stderr, __VA_ARGS__);                                     \
            fprintf(stderr, "\n");                                            \
        }                                                                     \
    } while (0)

/* realloc fails on call number fail_at (counting from 1) when fail_at > 0 */
static int realloc_calls, fail_at;
void *__real_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n) {
    if (fail_at > 0 && ++realloc_calls == fail_at) {
        return NULL;
    }
    return __real_realloc(p, n);
}

/* agent.h's agent_self() is not linked here; result.c does not need it */

static int valid_utf8(const char *s) {
    const unsigned char *p = (const unsigned char *) s;
    while (*p) {
        int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : (*p & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0) {
            return 0;
        }
        p++;
        for (int i = 0; i < n; i++, p++) {
            if ((*p & 0xC0) != 0x80) {
                return 0;
            }
        }
    }
    return 1;
}

/* Structural JSON check: balanced brackets outside strings, complete strings, one top-level object. */
static int valid_json_shape(const char *s) {
    int depth = 0, in_str = 0, esc = 0, seen = 0;
    for (const char *p = s; *p; p++) {
        if (in_str) {
            if (esc) {
                esc = 0;
            } else if (*p == '\\') {
                esc = 1;
            } else if (*p == '"') {
                in_str = 0;
            } else if ((unsigned char) *p < 0x20) {
                return 0;
            }
            continue;
        }
        if (*p == '"') {
            in_str = 1;
        } else if (*p == '{' || *p == '[') {
            depth++;
            seen = 1;
        } else if (*p == '}' || *p == ']') {
            if (--depth < 0) {
                return 0;
            }
            if (depth == 0 && p[1]) {
                return 0; /* trailing text */
            }
        }
    }
    return seen && depth == 0 && !in_str;
}

static void test_duration_overflow_is_refused(void) {
    const char *fmt = "ktstr4j-plan v1\nduration_ms 1000\ncpus 0-1\nbackdrop\n"
                      "cgroup cg_0 workers=1 work=Sequence phases=spin:%s\nend\n";
    char text[512], err[256] = "";
    struct sc_plan p;
    snprintf(text, sizeof text, fmt, "20ms");
    CHECK(sc_plan_parse(text, &p, err, sizeof err) == 0, "spin:20ms refused: %s", err);
    if (!failures) {
        CHECK(p.nbackdrop == 1 && p.backdrop[0].work.phases[0].ns == 20000000ull, "20ms is not 20000000 ns");
        sc_plan_free(&p);
    }
    /* 20000000000 s = 2e19 ns > 2^64: wrapped to about 1.55e12 ns (26 minutes) before the fix */
    snprintf(text, sizeof text, fmt, "20000000000s");
    CHECK(sc_plan_parse(text, &p, err, sizeof err) == -1, "spin:20000000000s accepted (overflow)");
    CHECK(strstr(err, "plan line 5") && strstr(err, "20000000000s"), "error does not name line and value: %s", err);
    snprintf(text, sizeof text, fmt, "18446744073709551615ns");
    CHECK(sc_plan_parse(text, &p, err, sizeof err) == 0, "UINT64_MAX ns refused: %s", err);
    sc_plan_free(&p);
    snprintf(text, sizeof text, fmt, "18446744073709552ms");
    CHECK(sc_plan_parse(text, &p, err, sizeof err) == -1, "18446744073709552ms accepted (overflow)");
}

static void test_failed_realloc_keeps_the_plan_consistent(void) {
    /* six steps: the steps array grows at steps 0 (4) and 4 (8); make the second growth fail */
    char text[1024] = "ktstr4j-plan v1\nduration_ms 1000\ncpus 0-1\n";
    for (int i = 0; i < 6; i++) {
        char line[64];
        snprintf(line, sizeof line, "step index=%d hold=fixed:10\n", i);
        strcat(text, line);
    }
    strcat(text, "end\n");
    char err[256];
    struct sc_plan p;
    realloc_calls = 0;
    fail_at = 2;
    int rc = sc_plan_parse(text, &p, err, sizeof err); /* crashed in sc_plan_free (steps NULL, nsteps 4) before */
    fail_at = 0;
    CHECK(rc == -1, "a failed realloc was not reported");
    CHECK(strstr(err, "plan line 8: out of memory") != NULL, "unexpected error: %s", err);
    CHECK(p.steps == NULL && p.nsteps == 0, "the plan is not left empty after the failure");
    rc = sc_plan_parse(text, &p, err, sizeof err);
    CHECK(rc == 0 && p.nsteps == 6, "six steps do not parse: %s", err);
    sc_plan_free(&p);
}

static void test_long_message_is_cut_at_a_utf8_boundary(void) {
    static struct agent a;
    memset(&a, 0, sizeof a);
    a.result.passed = 1;
    char msg[1024] = "";
    for (int i = 0; i < 300; i++) {
        strcat(msg, i % 3 ? "\xc3\xa9" : "x"); /* é is 2 bytes: some cut points fall inside one */
    }
    for (int shift = 0; shift < 4; shift++) {
        memset(&a, 0, sizeof a);
        a.result.passed = 1;
        agent_result_fail(&a, "Other", "%.*s%s", shift, "yyy", msg);
        const char *m = a.result.message[0];
        CHECK(valid_utf8(m), "shift %d: message is not valid UTF-8 after the cut", shift);
        CHECK(strlen(m) < sizeof a.result.message[0] && strlen(m) > 200, "shift %d: length %zu", shift, strlen(m));
        CHECK(strcmp(m + strlen(m) - 3, "...") == 0, "shift %d: a cut message does not end with ...", shift);
    }
    memset(&a, 0, sizeof a);
    agent_result_note(&a, "Other", "short \xe2\x82\xac");
    CHECK(strcmp(a.result.message[0], "short \xe2\x82\xac") == 0, "a short message changed: %s", a.result.message[0]);
}

static void test_result_json_over_the_cap_stays_valid(void) {
    static struct agent a;
    memset(&a, 0, sizeof a);
    a.result.passed = 1;
    char ctrl[255];
    memset(ctrl, 0x01, sizeof ctrl - 1); /* each byte becomes \u0001: 6 bytes of JSON */
    ctrl[sizeof ctrl - 1] = 0;
    for (int i = 0; i < AGENT_MAX_DETAILS + 3; i++) {
        agent_result_fail(&a, "Stuck", "%s", ctrl);
    }
    static char out[64 * 1024];
    size_t n = agent_result_json(&a, out, sizeof out);
    CHECK(n < sizeof out && strlen(out) == n, "length %zu not below the cap", n);
    CHECK(valid_json_shape(out), "the result JSON is cut mid-document: ...%s", out + (n > 80 ? n - 80 : 0));
    CHECK(strstr(out, "\"passed\":false") != NULL, "the outcome is lost");
    CHECK(strstr(out, "result truncated: ") != NULL && strstr(out, "of 67 details omitted"),
          "no truncation note: ...%s", out + (n > 120 ? n - 120 : 0));

    /* a result that fits is written whole, without a note */
    memset(&a, 0, sizeof a);
    a.result.passed = 1;
    agent_result_note(&a, "Other", "fine");
    n = agent_result_json(&a, out, sizeof out);
    CHECK(strcmp(out, "{\"passed\":true,\"skipped\":false,\"details\":[{\"kind\":\"Other\",\"message\":\"fine\"}]}") == 0,
          "unexpected JSON: %s", out);

    /* stats too large for the cap: dropped, and said so */
    memset(&a, 0, sizeof a);
    a.result.passed = 1;
    size_t big = 70 * 1024;
    a.result.stats_json = malloc(big + 1);
    memset(a.result.stats_json, ' ', big);
    a.result.stats_json[0] = '{';
    a.result.stats_json[big - 1] = '}';
    a.result.stats_json[big] = 0;
    n = agent_result_json(&a, out, sizeof out);
    CHECK(valid_json_shape(out) && strstr(out, "stats omitted"), "stats over the cap: %.200s", out);
    free(a.result.stats_json);
}

int main(void) {
    test_duration_overflow_is_refused();
    test_long_message_is_cut_at_a_utf8_boundary();
    test_result_json_over_the_cap_stays_valid();
    test_failed_realloc_keeps_the_plan_consistent(); /* last: without the fix it crashes */
    if (failures) {
        fprintf(stderr, "agent_unit_test: %d check(s) failed\n", failures);
        return 1;
    }
    printf("agent_unit_test: all checks passed\n");
    return 0;
}
