package io.ktstr4j.vmm.qemu;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a serial byte stream into lines: {@code \n} ends a line, a trailing {@code \r} is dropped, bytes are decoded
 * as UTF-8 (bad bytes become U+FFFD), and a line longer than {@link #MAX_LINE} is cut so a guest that never prints a
 * newline cannot grow host memory without bound.
 */
final class LineSplitter {

    static final int MAX_LINE = 64 * 1024;

    private final ByteArrayOutputStream current = new ByteArrayOutputStream();
    private final Consumer<String> sink;

    LineSplitter(Consumer<String> sink) {
        this.sink = sink;
    }

    void feed(byte[] buf, int off, int len) {
        for (int i = off; i < off + len; i++) {
            byte b = buf[i];
            if (b == '\n') {
                emit();
            } else {
                current.write(b);
                if (current.size() >= MAX_LINE) {
                    emit();
                }
            }
        }
    }

    /** Emits a final unterminated line, if any (end of stream). */
    void flush() {
        if (current.size() > 0) {
            emit();
        }
    }

    private void emit() {
        byte[] bytes = current.toByteArray();
        current.reset();
        int n = bytes.length;
        if (n > 0 && bytes[n - 1] == '\r') {
            n--;
        }
        sink.accept(new String(bytes, 0, n, StandardCharsets.UTF_8));
    }
}
