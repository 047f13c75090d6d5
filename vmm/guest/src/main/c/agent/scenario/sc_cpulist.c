/* CPU list text ("0-3,6") <-> cpu_set_t, the format of cpuset.cpus and of the plan's cpus= fields. */
#include "sc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sc_cpulist_parse(const char *s, cpu_set_t *set)
{
    CPU_ZERO(set);
    if (!s)
        return -1;
    const char *p = s;
    while (*p && *p != '\n') {
        char *end;
        long a = strtol(p, &end, 10);
        if (end == p || a < 0 || a >= SC_CPUS_MAX)
            return -1;
        long b = a;
        p = end;
        if (*p == '-') {
            p++;
            b = strtol(p, &end, 10);
            if (end == p || b < a || b >= SC_CPUS_MAX)
                return -1;
            p = end;
        }
        for (long c = a; c <= b; c++)
            CPU_SET((int)c, set);
        if (*p == ',')
            p++;
        else if (*p && *p != '\n')
            return -1;
    }
    return 0;
}

int sc_cpulist_format(const cpu_set_t *set, char *buf, size_t len)
{
    size_t off = 0;
    buf[0] = 0;
    for (int c = 0; c < SC_CPUS_MAX; c++) {
        if (!CPU_ISSET(c, set))
            continue;
        int e = c;
        while (e + 1 < SC_CPUS_MAX && CPU_ISSET(e + 1, set))
            e++;
        int n = e > c ? snprintf(buf + off, len - off, "%s%d-%d", off ? "," : "", c, e)
                      : snprintf(buf + off, len - off, "%s%d", off ? "," : "", c);
        if (n < 0 || (size_t)n >= len - off)
            return -1;
        off += (size_t)n;
        c = e;
    }
    return 0;
}
