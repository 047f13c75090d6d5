package io.ktstr4j.vmm.kvm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import io.ktstr4j.vmm.nativelib.LibC;

/** Thin wrappers that turn errno into {@link KvmException} naming the call. */
final class Sys {
    private Sys() {}

    static int open(String path) {
        try {
            return LibC.INSTANCE.open(path, LibC.O_RDWR | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new KvmException("open(" + path + ")", e.getErrorCode(), null);
        }
    }

    static void close(int fd) {
        try {
            LibC.INSTANCE.close(fd);
        } catch (LastErrorException e) {
            // closing is best effort during teardown; EBADF would mean a double close bug, which tests catch by fd counts
        }
    }

    static int ioctl(int fd, long request, long arg, String call) {
        try {
            return LibC.INSTANCE.ioctl(fd, new NativeLong(request), arg);
        } catch (LastErrorException e) {
            throw new KvmException(call, e.getErrorCode(), null);
        }
    }

    /** ioctl with a struct argument: copies {@code buf} in, calls, copies the result back into {@code buf}. */
    static int ioctl(int fd, long request, byte[] buf, String call) {
        try (Memory m = new Memory(buf.length)) {
            m.write(0, buf, 0, buf.length);
            int r;
            try {
                r = LibC.INSTANCE.ioctl(fd, new NativeLong(request), m);
            } catch (LastErrorException e) {
                throw new KvmException(call, e.getErrorCode(), null);
            }
            m.read(0, buf, 0, buf.length);
            return r;
        }
    }

    static Pointer mmap(long length, int prot, int flags, int fd, String what) {
        try {
            return LibC.INSTANCE.mmap(null, new NativeLong(length), prot, flags, fd, new NativeLong(0));
        } catch (LastErrorException e) {
            throw new KvmException("mmap(" + what + ", " + length + " bytes)", e.getErrorCode(), null);
        }
    }

    static void munmap(Pointer p, long length) {
        try {
            LibC.INSTANCE.munmap(p, new NativeLong(length));
        } catch (LastErrorException e) {
            // teardown: nothing useful to do
        }
    }
}
