/* The test result (ktstr's AssertResult JSON) and its helpers. */
#define _GNU_SOURCE
#include "agent.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Cuts s (a NUL-terminated string in a buffer of cap bytes that vsnprintf filled) so that it ends on a UTF-8
 * character boundary; when it was cut (full_len >= cap) it ends with "..." so the reader sees the cut. A multi-byte
 * character split by the cut would make the TEST message invalid UTF-8, and the host would refuse the whole result.
 */
void agent_utf8_cut(char *s, size_t cap, size_t full_len) {
    if (cap == 0) {
        return;
    }
    size_t len = strlen(s);
    if (full_len < cap && len == full_len) {
        return;
    }
    size_t keep = cap > 4 ? cap - 4 : 0; /* room for "..." and the NUL */
    if (keep > len) {
        keep = len;
    }
    /* back off over continuation bytes (10xxxxxx) to the start of the character that may be incomplete */
    size_t b = keep;
    while (b > 0 && ((unsigned char) s[b - 1] & 0xC0) == 0x80) {
        b--;
    }
    if (b > 0 && ((unsigned char) s[b - 1] & 0x80)) {
        /* s[b-1] leads a multi-byte character: keep it only when all its bytes are before keep */
        unsigned char lead = (unsigned char) s[b - 1];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if ((b - 1) + need <= keep) {
            b = (b - 1) + need;
        } else {
            b--;
        }
    }
    if (cap > 4) {
        memcpy(s + b, "...", 4);
    } else {
        s[b] = 0;
    }
}

static void add(struct agent *a, const char *kind, const char *fmt, va_list ap) {
    if (a->result.ndetails >= AGENT_MAX_DETAILS) {
        a->result.dropped_details++;
        return;
    }
    int i = a->result.ndetails++;
    size_t cap = sizeof a->result.kind[i];
    int n = snprintf(a->result.kind[i], cap, "%s", kind);
    agent_utf8_cut(a->result.kind[i], cap, n < 0 ? 0 : (size_t) n);
    cap = sizeof a->result.message[i];
    n = vsnprintf(a->result.message[i], cap, fmt, ap);
    agent_utf8_cut(a->result.message[i], cap, n < 0 ? 0 : (size_t) n);
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

/* The JSON with the first `keep` details, stats when with_stats, and a truncation note when note != NULL. */
static size_t render(const struct agent *a, char *out, size_t cap, int keep, int with_stats, const char *note) {
    size_t p = 0;
    p = lit(out, cap, p, a->result.passed ? "{\"passed\":true" : "{\"passed\":false");
    p = lit(out, cap, p, a->result.skipped ? ",\"skipped\":true,\"details\":[" : ",\"skipped\":false,\"details\":[");
    for (int i = 0; i < keep; i++) {
        p = lit(out, cap, p, i ? ",{\"kind\":" : "{\"kind\":");
        p = json_str(out, cap, p, a->result.kind[i]);
        p = lit(out, cap, p, ",\"message\":");
        p = json_str(out, cap, p, a->result.message[i]);
        p = lit(out, cap, p, "}");
    }
    if (note) {
        p = lit(out, cap, p, keep ? ",{\"kind\":\"Other\",\"message\":" : "{\"kind\":\"Other\",\"message\":");
        p = json_str(out, cap, p, note);
        p = lit(out, cap, p, "}");
    }
    p = lit(out, cap, p, "]");
    if (with_stats && a->result.stats_json) { /* absent stats decode as ScenarioStats.empty() on the host */
        p = lit(out, cap, p, ",\"stats\":");
        p = lit(out, cap, p, a->result.stats_json);
    }
    p = lit(out, cap, p, "}");
    return p;
}

/*
 * Writes the AssertResult JSON into out, NUL-terminated, and returns its length (< cap). It is always a complete
 * JSON document: when everything does not fit, details are dropped from the end (then the stats) and a detail
 * "result truncated: ..." says what was left out, so the host still reads the outcome. Cutting the text at cap
 * would leave half a document, and the host would refuse the whole result. cap must be at least 256.
 */
size_t agent_result_json(const struct agent *a, char *out, size_t cap) {
    int dropped_before = a->result.dropped_details;
    size_t p = dropped_before ? cap : render(a, out, cap, a->result.ndetails, 1, NULL);
    if (p < cap) {
        out[p] = 0;
        return p;
    }
    char note[160];
    for (int with_stats = 1; with_stats >= 0; with_stats--) {
        for (int keep = a->result.ndetails; keep >= 0; keep--) {
            int omitted = a->result.ndetails - keep + dropped_before;
            snprintf(note, sizeof note, "result truncated: %d of %d details omitted%s", omitted,
                     a->result.ndetails + dropped_before,
                     with_stats || !a->result.stats_json ? "" : ", stats omitted");
            p = render(a, out, cap, keep, with_stats, note);
            if (p < cap) {
                out[p] = 0;
                return p;
            }
        }
    }
    /* cannot happen with cap >= 256: an empty result with the note is about 150 bytes */
    p = lit(out, cap, 0, "{\"passed\":false,\"skipped\":false,\"details\":[]}");
    out[p < cap ? p : cap - 1] = 0;
    return p < cap ? p : cap - 1;
}
