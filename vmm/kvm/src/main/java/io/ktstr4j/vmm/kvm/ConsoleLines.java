package io.ktstr4j.vmm.kvm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/** Assembles a serial port's bytes into lines (without CR/LF) and hands each complete line on. */
final class ConsoleLines implements IntConsumer {
    static final int MAX_LINE = 64 * 1024;

    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final Consumer<String> out;

    ConsoleLines(Consumer<String> out) {
        this.out = out;
    }

    @Override
    public synchronized void accept(int b) {
        if (b == '\n' || buf.size() >= MAX_LINE) {
            emit();
            if (b == '\n') {
                return;
            }
        }
        if (b != '\r') {
            buf.write(b);
        }
    }

    /** Emits a partial last line, if any (at VM exit). */
    synchronized void flush() {
        if (buf.size() > 0) {
            emit();
        }
    }

    private void emit() {
        String line = buf.toString(StandardCharsets.UTF_8);
        buf.reset();
        out.accept(line);
    }
}
