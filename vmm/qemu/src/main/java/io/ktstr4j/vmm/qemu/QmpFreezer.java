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
import java.util.regex.Pattern;

/**
 * Freezes a QEMU guest through its QMP socket ({@code -qmp unix:PATH,server=on,wait=off}): {@code stop} pauses every
 * vCPU before QEMU replies, {@code cont} resumes them. One connection, opened on first use, with a per-command
 * timeout so a wedged QEMU cannot hang the monitor.
 *
 * <p>A freeze never outlives its snapshot: when {@code stop} fails or its reply is lost (QEMU may have paused the guest
 * anyway), {@link #freeze()} resumes the guest, verified with {@code query-status}, before it throws; when {@code cont}
 * fails or times out, {@link #thaw()} asks {@code query-status} and sends {@code cont} again, on a fresh connection,
 * up to {@link #RESUME_ATTEMPTS} times, and throws only if the guest still is not running. Before, either left the
 * guest paused until the VM's watchdog.
 */
public final class QmpFreezer implements VmFreezer, AutoCloseable {

    static final int RESUME_ATTEMPTS = 3;
    private static final Pattern RUNNING = Pattern.compile("\"running\"\\s*:\\s*true");

    private final Path socket;
    private final Duration timeout;
    private SocketChannel ch;
    private Selector selector;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    public QmpFreezer(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    /** Pauses every vCPU; on failure the guest is left running (verified) and the failure is thrown. */
    @Override
    public synchronized void freeze() {
        try {
            execute("stop");
        } catch (RuntimeException e) {
            String after = resume(e) ? "the guest was resumed" : "the guest may still be paused";
            throw new IllegalStateException(e.getMessage() + "; " + after, e);
        }
    }

    /** Resumes every vCPU, retrying and verifying when {@code cont} fails or its reply is lost. */
    @Override
    public synchronized void thaw() {
        try {
            execute("cont");
        } catch (RuntimeException e) {
            if (!resume(e)) {
                throw new IllegalStateException(e.getMessage() + "; the guest is still paused after "
                        + RESUME_ATTEMPTS + " attempts to resume it", e);
            }
        }
    }

    /** True once {@code query-status} says the guest runs, sending {@code cont} where it does not. */
    private boolean resume(RuntimeException cause) {
        // bounded as a whole too: a wedged QEMU costs the snapshot thread about RESUME_ATTEMPTS timeouts, not 3 per try
        long deadline = System.nanoTime() + timeout.toNanos() * RESUME_ATTEMPTS;
        for (int attempt = 1; attempt <= RESUME_ATTEMPTS && System.nanoTime() < deadline; attempt++) {
            try {
                if (running()) {
                    return true;
                }
                execute("cont");
                if (running()) {
                    return true;
                }
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
        return false;
    }

    /** {@code query-status}: is the guest running? */
    boolean running() {
        return RUNNING.matcher(execute("query-status")).find();
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
