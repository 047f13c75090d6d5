/* A growable text buffer for building JSON; allocation failure is sticky (oom) instead of aborting a worker. */
#include "sc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(struct sc_buf *b, size_t need)
{
    if (b->oom)
        return -1;
    if (b->len + need + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + need + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void sc_buf_putc(struct sc_buf *b, char c)
{
    if (grow(b, 1))
        return;
    b->p[b->len++] = c;
    b->p[b->len] = 0;
}

void sc_buf_puts(struct sc_buf *b, const char *s)
{
    size_t n = strlen(s);
    if (grow(b, n))
        return;
    memcpy(b->p + b->len, s, n + 1);
    b->len += n;
}

void sc_buf_printf(struct sc_buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        sc_buf_puts(b, tmp);
        return;
    }
    if (grow(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sc_buf_json_str(struct sc_buf *b, const char *s)
{
    sc_buf_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            sc_buf_putc(b, '\\');
            sc_buf_putc(b, (char)c);
        } else if (c < 0x20) {
            sc_buf_printf(b, "\\u%04x", c);
        } else {
            sc_buf_putc(b, (char)c);
        }
    }
    sc_buf_putc(b, '"');
}

void sc_buf_free(struct sc_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}
