package io.ktstr4j.vmm.hooks;

import java.nio.ByteBuffer;

/**
 * A vCPU's binary statistics file descriptor ({@code KVM_GET_STATS_FD} on the vCPU fd), as the KVM backend exposes
 * it: positioned reads only. The monitor parses the format ({@link KvmStatsLayout}); the backend owns the ioctl and fd.
 */
@FunctionalInterface
public interface KvmStatsFile {

    /** Reads up to {@code dst.remaining()} bytes at {@code offset} (pread); returns the count, -1 at end of file. */
    int pread(ByteBuffer dst, long offset);
}
