/* Guest->host channel: SHM ring writer (ktstr's layout), COM2 output and its fallback encoding. */
#define _GNU_SOURCE
#include "agent.h"
#include "channel.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* Shared between the agent and its forked children: the producer lock and flags. */
struct shared_page {
    uint32_t lock;          /* 0 = free, else the owner's pid */
    uint32_t stop;          /* graceful stop requested */
};

static struct shared_page *shared;
static struct shared_page fallback_shared; /* before channel_init_shared (single process) */
static volatile struct shm_ring_header *ring;
static volatile uint8_t *ring_data;
static int stream_fd = -1;
static int com2_fd = 2;

static uint32_t crc_table[256];
static int crc_ready;

uint32_t crc32_ieee(const void *data, size_t len) {
    if (!crc_ready) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            crc_table[i] = c;
        }
        crc_ready = 1;
    }
    const uint8_t *p = data;
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    }
    return c ^ 0xFFFFFFFFu;
}

int channel_init_shared(void) {
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        com2_printf("KTSTR4J_WARN shared lock page: mmap failed: %s\n", strerror(errno));
        shared = &fallback_shared;
        return -1;
    }
    shared = p;
    crc32_ieee("", 0); /* build the table before any fork */
    return 0;
}

static struct shared_page *sp(void) { return shared ? shared : &fallback_shared; }

/* A spin lock in shared memory, usable across fork(). A holder that died (a killed worker) is detected and its
 * lock taken over, so one dead producer cannot silence the rest. */
static void lock_acquire(void) {
    uint32_t me = (uint32_t) getpid();
    for (unsigned spins = 0;; spins++) {
        uint32_t expected = 0;
        if (__atomic_compare_exchange_n(&sp()->lock, &expected, me, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
            return;
        }
        if (expected == me) { /* re-entered from the same process (e.g. a thread racing): wait for it */
            sched_yield();
            continue;
        }
        if ((spins & 1023) == 1023 && kill((pid_t) expected, 0) < 0 && errno == ESRCH) {
            __atomic_compare_exchange_n(&sp()->lock, &expected, 0, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
        }
        sched_yield();
    }
}

static void lock_release(void) { __atomic_store_n(&sp()->lock, 0, __ATOMIC_RELEASE); }

static void map_ring(void *base, uint64_t size) {
    ring = base;
    ring_data = (volatile uint8_t *) base + SHM_HEADER_SIZE;
    if (ring->magic != SHM_MAGIC || ring->version != SHM_VERSION || ring->capacity == 0 ||
        ring->capacity > size - SHM_HEADER_SIZE) {
        /* The host normally writes the header; a fresh region is set up here so the layout is the same. */
        ring->capacity = (uint32_t) (size - SHM_HEADER_SIZE > 0xFFFFFFF0u ? 0xFFFFFFF0u : size - SHM_HEADER_SIZE);
        ring->version = SHM_VERSION;
        ring->control = 0;
        ring->write_ptr = 0;
        ring->read_ptr = 0;
        ring->drops = 0;
        __atomic_store_n(&ring->magic, SHM_MAGIC, __ATOMIC_RELEASE);
    }
}

int channel_open_devmem(uint64_t base, uint64_t size) {
    if (size <= SHM_HEADER_SIZE + SHM_MSG_HEADER_SIZE) {
        com2_printf("KTSTR4J_WARN KTSTR_SHM_SIZE=0x%llx too small, using COM2\n", (unsigned long long) size);
        return -1;
    }
    int fd = open("/dev/mem", O_RDWR | O_SYNC | O_CLOEXEC);
    if (fd < 0) {
        com2_printf("KTSTR4J_WARN open /dev/mem: %s, using COM2\n", strerror(errno));
        return -1;
    }
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t) base);
    close(fd);
    if (p == MAP_FAILED) {
        com2_printf("KTSTR4J_WARN mmap /dev/mem at 0x%llx size 0x%llx: %s, using COM2\n",
                    (unsigned long long) base, (unsigned long long) size, strerror(errno));
        return -1;
    }
    map_ring(p, size);
    return 0;
}

int channel_open_ring_file(const char *path, uint64_t capacity) {
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        com2_printf("KTSTR4J_ERROR ring file %s: %s\n", path, strerror(errno));
        return -1;
    }
    struct stat st;
    uint64_t size = SHM_HEADER_SIZE + capacity;
    struct shm_ring_header h;
    /* A file the host prepared (valid header, e.g. page-sized for its mmap) is used as it is. */
    if (fstat(fd, &st) == 0 && (uint64_t) st.st_size > SHM_HEADER_SIZE + SHM_MSG_HEADER_SIZE &&
        pread(fd, &h, sizeof h, 0) == (ssize_t) sizeof h && h.magic == SHM_MAGIC && h.version == SHM_VERSION &&
        h.capacity > SHM_MSG_HEADER_SIZE && h.capacity <= (uint64_t) st.st_size - SHM_HEADER_SIZE) {
        size = (uint64_t) st.st_size;
    } else if (ftruncate(fd, 0) < 0 || ftruncate(fd, (off_t) size) < 0) {
        com2_printf("KTSTR4J_ERROR ring file %s: ftruncate: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        com2_printf("KTSTR4J_ERROR ring file %s: mmap: %s\n", path, strerror(errno));
        return -1;
    }
    map_ring(p, size);
    return 0;
}

void channel_use_stream_fd(int fd) { stream_fd = fd; }
void channel_set_com2_fd(int fd) { com2_fd = fd; }
int channel_com2_fd(void) { return com2_fd; }
int channel_has_ring(void) { return ring != NULL; }

uint8_t channel_ctrl_byte(int offset) {
    if (!ring) {
        return 0;
    }
    return __atomic_load_n((volatile uint8_t *) ring + offset, __ATOMIC_ACQUIRE);
}

void channel_ctrl_clear(int offset) {
    if (ring) {
        __atomic_store_n((volatile uint8_t *) ring + offset, 0, __ATOMIC_RELEASE);
    }
}

uint64_t channel_drops(void) { return ring ? ring->drops : 0; }

void channel_request_stop(void) { __atomic_store_n(&sp()->stop, 1, __ATOMIC_RELEASE); }

int agent_stop_requested(void) {
    if (__atomic_load_n(&sp()->stop, __ATOMIC_ACQUIRE)) {
        return 1;
    }
    return channel_ctrl_byte(SHM_CTRL_SIGNAL0) == SHM_STOP_VALUE;
}

static void write_all(int fd, const void *buf, size_t len) {
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return; /* nowhere left to report it */
        }
        p += n;
        len -= (size_t) n;
    }
}

static void ring_copy_in(uint64_t pos, const void *src, uint32_t len) {
    uint32_t cap = ring->capacity;
    uint32_t off = (uint32_t) (pos % cap);
    uint32_t first = len < cap - off ? len : cap - off;
    memcpy((void *) (ring_data + off), src, first);
    if (first < len) {
        memcpy((void *) ring_data, (const uint8_t *) src + first, len - first);
    }
}

static void ring_send(const uint32_t hdr[4], const void *payload, uint32_t len) {
    uint64_t need = (uint64_t) SHM_MSG_HEADER_SIZE + len;
    lock_acquire();
    uint64_t w = ring->write_ptr;
    uint64_t r = __atomic_load_n(&ring->read_ptr, __ATOMIC_ACQUIRE);
    uint64_t used = w - r;
    if (r > w || used > ring->capacity || ring->capacity - used < need) {
        ring->drops++;
        lock_release();
        return;
    }
    ring_copy_in(w, hdr, SHM_MSG_HEADER_SIZE);
    if (len) {
        ring_copy_in(w + SHM_MSG_HEADER_SIZE, payload, len);
    }
    __atomic_store_n(&ring->write_ptr, w + need, __ATOMIC_RELEASE);
    lock_release();
}

static void com2_fallback(const uint32_t hdr[4], const void *payload, uint32_t len) {
    static const char hexd[] = "0123456789abcdef";
    char head[96];
    int n = snprintf(head, sizeof head, "===KTSTR4J_MSG_START %08x %u %08x===\n", hdr[0], hdr[1], hdr[2]);
    lock_acquire();
    write_all(com2_fd, head, (size_t) n);
    char buf[1024];
    size_t b = 0;
    const uint8_t *p = payload;
    for (uint32_t i = 0; i < len; i++) {
        buf[b++] = hexd[p[i] >> 4];
        buf[b++] = hexd[p[i] & 15];
        if (b >= sizeof buf - 2) {
            write_all(com2_fd, buf, b);
            b = 0;
        }
    }
    buf[b++] = '\n';
    write_all(com2_fd, buf, b);
    write_all(com2_fd, "===KTSTR4J_MSG_END===\n", 22);
    lock_release();
}

void msg_send(uint32_t type, const void *payload, uint32_t len) {
    uint32_t hdr[4] = {type, len, crc32_ieee(payload, len), 0};
    if (ring) {
        ring_send(hdr, payload, len);
    } else if (stream_fd >= 0) {
        struct iovec iov[2] = {{hdr, sizeof hdr}, {(void *) payload, len}};
        lock_acquire();
        ssize_t n = writev(stream_fd, iov, len ? 2 : 1);
        if (n >= 0 && (size_t) n < sizeof hdr + len) { /* short write to a pipe: finish it */
            size_t done = (size_t) n;
            if (done < sizeof hdr) {
                write_all(stream_fd, (const char *) hdr + done, sizeof hdr - done);
                done = sizeof hdr;
            }
            write_all(stream_fd, (const char *) payload + (done - sizeof hdr), len - (done - sizeof hdr));
        }
        lock_release();
    } else {
        com2_fallback(hdr, payload, len);
    }
}

void com2_printf(const char *fmt, ...) {
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    if ((size_t) n >= sizeof buf) {
        n = sizeof buf - 1;
        buf[n - 1] = '\n';
    }
    write_all(com2_fd, buf, (size_t) n);
}

void stage(const char *name) {
    msg_send(MSG_INIT_STAGE, name, (uint32_t) strlen(name));
    com2_printf("KTSTR4J_STAGE=%s\n", name);
}

uint64_t agent_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000u + (uint64_t) ts.tv_nsec / 1000000u;
}
