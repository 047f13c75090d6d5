package io.ktstr4j.vmm.qemu;

import io.ktstr4j.vmm.hooks.VmFreezer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Freezes a QEMU guest through its QMP socket ({@code -qmp unix:PATH,server=on,wait=off}): {@code stop} pauses every
 * vCPU before QEMU replies, {@code cont} resumes them. One connection, opened on first use, with a per-command
 * timeout so a wedged QEMU cannot hang the monitor.
 */
public final class QmpFreezer implements VmFreezer, AutoCloseable {

    private final Path socket;
    private final Duration timeout;
    private SocketChannel ch;
    private Selector selector;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    public QmpFreezer(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    @Override
    public synchronized void freeze() {
        execute("stop");
    }

    @Override
    public synchronized void thaw() {
        execute("cont");
    }

    /** Connects and negotiates capabilities now rather than on the first {@link #freeze()}. */
    @Override
    public synchronized void prepare() {
        try {
            connect();
        } catch (IOException e) {
            closeQuietly();
            throw new UncheckedIOException("QMP connect to " + socket + " failed", e);
        }
    }

    /** Sends {@code {"execute": command}} and waits for its {@code return}; a QMP {@code error} is thrown. */
    public synchronized String execute(String command) {
        try {
            connect();
            send("{\"execute\":\"" + command + "\"}\n");
            return awaitReturn(command);
        } catch (IOException e) {
            closeQuietly();
            throw new UncheckedIOException("QMP " + command + " on " + socket + " failed", e);
        }
    }

    private void connect() throws IOException {
        if (ch != null) {
            return;
        }
        ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        ch.configureBlocking(false);
        selector = Selector.open();
        ch.register(selector, SelectionKey.OP_READ);
        String greeting = readLine();
        if (!greeting.contains("\"QMP\"")) {
            throw new IOException("not a QMP greeting: " + greeting);
        }
        send("{\"execute\":\"qmp_capabilities\"}\n");
        awaitReturn("qmp_capabilities");
    }

    private String awaitReturn(String command) throws IOException {
        while (true) {
            String line = readLine();
            if (line.contains("\"return\"")) {
                return line;
            }
            if (line.contains("\"error\"")) {
                throw new IllegalStateException("QMP " + command + " failed: " + line);
            }
            // asynchronous events ({"event": "STOP"...}) are skipped
        }
    }

    private void send(String s) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (b.hasRemaining()) {
            if (ch.write(b) == 0 && System.nanoTime() > deadline) {
                throw new IOException("QMP write timed out after " + timeout);
            }
        }
    }

    private String readLine() throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (true) {
            byte[] have = pending.toByteArray();
            for (int i = 0; i < have.length; i++) {
                if (have[i] == '\n') {
                    pending.reset();
                    pending.write(have, i + 1, have.length - i - 1);
                    return new String(have, 0, i, StandardCharsets.UTF_8).trim();
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("no QMP reply within " + timeout);
            }
            selector.select(Math.max(1, left / 1_000_000));
            selector.selectedKeys().clear();
            buf.clear();
            int n = ch.read(buf);
            if (n < 0) {
                throw new IOException("QMP socket closed by QEMU");
            }
            pending.write(buf.array(), 0, n);
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException ignored) {
            // already failing; the original error is what matters
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (selector != null) {
                selector.close();
            }
            if (ch != null) {
                ch.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            ch = null;
            selector = null;
            pending.reset();
        }
    }
}
