/* The test result (ktstr's AssertResult JSON) and its helpers. */
#define _GNU_SOURCE
#include "agent.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add(struct agent *a, const char *kind, const char *fmt, va_list ap) {
    if (a->result.ndetails >= AGENT_MAX_DETAILS) {
        return;
    }
    int i = a->result.ndetails++;
    snprintf(a->result.kind[i], sizeof a->result.kind[i], "%s", kind);
    vsnprintf(a->result.message[i], sizeof a->result.message[i], fmt, ap);
}

void agent_result_fail(struct agent *a, const char *kind, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    add(a, kind, fmt, ap);
    va_end(ap);
    a->result.passed = 0;
}

void agent_result_skip(struct agent *a, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    add(a, "Skip", fmt, ap);
    va_end(ap);
    a->result.skipped = 1;
}

void agent_result_note(struct agent *a, const char *kind, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    add(a, kind, fmt, ap);
    va_end(ap);
}

static size_t json_str(char *out, size_t cap, size_t pos, const char *s) {
    if (pos < cap) out[pos] = '"';
    pos++;
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        char esc[8];
        const char *e = NULL;
        switch (*p) {
        case '"': e = "\\\""; break;
        case '\\': e = "\\\\"; break;
        case '\n': e = "\\n"; break;
        case '\r': e = "\\r"; break;
        case '\t': e = "\\t"; break;
        default:
            if (*p < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", *p);
                e = esc;
            }
        }
        if (e) {
            for (; *e; e++, pos++) if (pos < cap) out[pos] = *e;
        } else {
            if (pos < cap) out[pos] = (char) *p;
            pos++;
        }
    }
    if (pos < cap) out[pos] = '"';
    return pos + 1;
}

static size_t lit(char *out, size_t cap, size_t pos, const char *s) {
    for (; *s; s++, pos++) if (pos < cap) out[pos] = *s;
    return pos;
}

/* Writes the AssertResult JSON into out (NUL-terminated, truncated to cap); returns its full length. */
size_t agent_result_json(const struct agent *a, char *out, size_t cap) {
    size_t p = 0;
    p = lit(out, cap, p, a->result.passed ? "{\"passed\":true" : "{\"passed\":false");
    p = lit(out, cap, p, a->result.skipped ? ",\"skipped\":true,\"details\":[" : ",\"skipped\":false,\"details\":[");
    for (int i = 0; i < a->result.ndetails; i++) {
        p = lit(out, cap, p, i ? ",{\"kind\":" : "{\"kind\":");
        p = json_str(out, cap, p, a->result.kind[i]);
        p = lit(out, cap, p, ",\"message\":");
        p = json_str(out, cap, p, a->result.message[i]);
        p = lit(out, cap, p, "}");
    }
    p = lit(out, cap, p, "]");
    if (a->result.stats_json) { /* absent stats decode as ScenarioStats.empty() on the host */
        p = lit(out, cap, p, ",\"stats\":");
        p = lit(out, cap, p, a->result.stats_json);
    }
    p = lit(out, cap, p, "}");
    out[p < cap ? p : cap - 1] = 0;
    return p;
}
