/* Agent-core internals of the guest->host channel (not part of the scenario API). */
#ifndef KTSTR4J_CHANNEL_H
#define KTSTR4J_CHANNEL_H

#include <stdint.h>
#include <stddef.h>

/* ktstr's ring header (ktstr-features.md §4.2): 40 bytes, then `capacity` data bytes. Pointers are monotonic byte
 * offsets; position = ptr % capacity. Messages are a 16-byte header then the payload, wrapping at the end. */
#define SHM_MAGIC 0x53544D52u
#define SHM_VERSION 1u
#define SHM_HEADER_SIZE 40u
#define SHM_MSG_HEADER_SIZE 16u
#define SHM_CTRL_DUMP 12   /* byte offset: 'D' = dump request */
#define SHM_CTRL_STALL 13
#define SHM_CTRL_SIGNAL0 14 /* 0xDD = graceful stop */
#define SHM_CTRL_SIGNAL1 15
#define SHM_STOP_VALUE 0xDD

struct shm_ring_header {
    uint32_t magic;
    uint32_t version;
    uint32_t capacity;
    uint32_t control;
    uint64_t write_ptr;
    uint64_t read_ptr;
    uint64_t drops;
};
_Static_assert(sizeof(struct shm_ring_header) == 40, "ring header is 40 bytes");

uint32_t crc32_ieee(const void *data, size_t len);

/* Must run before any fork: creates the MAP_SHARED page holding the producer lock and shared flags. */
int channel_init_shared(void);
/* Where messages go. Each returns 0 on success, -1 with a COM2 diagnostic. */
int channel_open_devmem(uint64_t base, uint64_t size);
int channel_open_ring_file(const char *path, uint64_t capacity);
void channel_use_stream_fd(int fd);   /* TLV stream (16-byte header + payload per message, no ring header) */
void channel_set_com2_fd(int fd);
int channel_com2_fd(void);
int channel_has_ring(void);
uint8_t channel_ctrl_byte(int offset);
void channel_ctrl_clear(int offset);
uint64_t channel_drops(void);
void channel_request_stop(void);     /* sets the shared stop flag (signals, 0xDD) */

#endif
