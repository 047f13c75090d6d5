package io.ktstr4j.vmm.kvm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/** The few libc calls the KVM backend needs. Every call reports failure as {@link LastErrorException} (errno). */
interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int O_RDWR = 2;
    int O_CLOEXEC = 0x80000;
    int PROT_NONE = 0;
    int PROT_READ = 1;
    int PROT_WRITE = 2;
    int MAP_SHARED = 0x01;
    int MAP_PRIVATE = 0x02;
    int MAP_ANONYMOUS = 0x20;
    int MAP_NORESERVE = 0x4000;
    int EINTR = 4;
    int EAGAIN = 11;
    int SIGUSR1 = 10;

    int open(String path, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    NativeLong pread(int fd, Pointer buf, NativeLong count, long offset) throws LastErrorException;

    int ioctl(int fd, NativeLong request, Pointer arg) throws LastErrorException;

    int ioctl(int fd, NativeLong request, long arg) throws LastErrorException;

    Pointer mmap(Pointer addr, NativeLong length, int prot, int flags, int fd, NativeLong offset) throws LastErrorException;

    int munmap(Pointer addr, NativeLong length) throws LastErrorException;

    NativeLong pthread_self();

    int pthread_kill(NativeLong thread, int sig);

    int sigaction(int sig, Pointer act, Pointer oldact) throws LastErrorException;

    int getpid();
}
