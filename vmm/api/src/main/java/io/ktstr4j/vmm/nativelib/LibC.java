package io.ktstr4j.vmm.nativelib;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The one JNA binding of libc: every call the VMMs, guest-memory mapping and the KVM probe make. A call declared
 * {@code throws LastErrorException} reports a non-zero errno as that exception (JNA clears errno before the call).
 */
public interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int O_RDONLY = 0;
    int O_RDWR = 2;
    int O_CREAT = 0100;
    int O_EXCL = 0200;
    int O_NOFOLLOW = 0400000;
    int O_CLOEXEC = 0x80000;
    int LOCK_SH = 1;
    int LOCK_EX = 2;
    int LOCK_NB = 4;
    int LOCK_UN = 8;
    int PROT_NONE = 0;
    int PROT_READ = 1;
    int PROT_WRITE = 2;
    int MAP_SHARED = 0x01;
    int MAP_PRIVATE = 0x02;
    int MAP_ANONYMOUS = 0x20;
    int MAP_NORESERVE = 0x4000;
    int EINTR = 4;
    int EAGAIN = 11;
    int EWOULDBLOCK = EAGAIN;
    int ENOENT = 2;
    int EINVAL = 22;
    int ENOMEM = 12;
    int SIGUSR1 = 10;
    int SIGCONT = 18;
    int SIGSTOP = 19;

    int open(String path, int flags) throws LastErrorException;

    /** open(2) with a mode, for O_CREAT. */
    int open(String path, int flags, int mode) throws LastErrorException;

    /** flock(2): an advisory lock of the open file description (not released by closing another fd of the file). */
    int flock(int fd, int operation) throws LastErrorException;

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

    int getuid();

    int kill(int pid, int sig) throws LastErrorException;
}
