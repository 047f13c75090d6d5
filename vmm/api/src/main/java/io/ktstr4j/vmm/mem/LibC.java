package io.ktstr4j.vmm.mem;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** The few libc calls guest-memory mapping needs (JNA direct interface mapping). */
interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int PROT_NONE = 0x0;
    int PROT_READ = 0x1;
    int PROT_WRITE = 0x2;
    int MAP_SHARED = 0x01;
    int MAP_PRIVATE = 0x02;
    int MAP_ANONYMOUS = 0x20;
    int MAP_NORESERVE = 0x4000;
    int O_RDWR = 02;
    int O_CLOEXEC = 02000000;

    Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

    int munmap(Pointer addr, long length);

    int open(String path, int flags);

    int close(int fd);
}
