package io.ktstr4j.vmm.kvm;

/** A failed KVM or libc call: names the call and carries errno. */
public class KvmException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public KvmException(String call, int errno, String detail) {
        super(call + " failed: errno " + errno + " (" + Errno.name(errno) + ")" + (detail == null ? "" : ": " + detail));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
