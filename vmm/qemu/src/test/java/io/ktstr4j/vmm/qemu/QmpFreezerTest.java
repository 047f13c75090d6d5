package io.ktstr4j.vmm.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QMP stop/cont against a small fake QMP server on a Unix socket (greeting, capabilities, events, errors). */
class QmpFreezerTest {

    final List<String> received = new CopyOnWriteArrayList<>();

    Thread fakeQemu(ServerSocketChannel server, boolean failCont, boolean silent) {
        Thread t = new Thread(() -> {
            try (SocketChannel c = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c),
                        StandardCharsets.UTF_8));
                OutputStream out = Channels.newOutputStream(c);
                out.write("{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n".getBytes(StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null) {
                    received.add(line);
                    if (silent && line.contains("stop")) {
                        Thread.sleep(2000);
                        return;
                    }
                    if (line.contains("stop")) {
                        out.write("{\"timestamp\": {}, \"event\": \"STOP\"}\r\n{\"return\": {}}\r\n"
                                .getBytes(StandardCharsets.UTF_8));
                    } else if (line.contains("cont") && failCont) {
                        out.write("{\"error\": {\"class\": \"GenericError\", \"desc\": \"nope\"}}\r\n"
                                .getBytes(StandardCharsets.UTF_8));
                    } else {
                        out.write("{\"return\": {}}\r\n".getBytes(StandardCharsets.UTF_8));
                    }
                }
            } catch (Exception e) {
                // the client closed: test over
            }
        }, "fake-qmp");
        t.setDaemon(true);
        t.start();
        return t;
    }

    ServerSocketChannel server(Path sock) throws Exception {
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(sock));
        return s;
    }

    @Test
    void stopAndContAfterCapabilitiesSkippingEvents(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("qmp.sock");
        try (ServerSocketChannel s = server(sock); QmpFreezer f = new QmpFreezer(sock, Duration.ofSeconds(5))) {
            fakeQemu(s, false, false);
            f.freeze();
            f.thaw();
            f.freeze();
            f.thaw();
        }
        assertThat(received).containsExactly("{\"execute\":\"qmp_capabilities\"}", "{\"execute\":\"stop\"}",
                "{\"execute\":\"cont\"}", "{\"execute\":\"stop\"}", "{\"execute\":\"cont\"}");
    }

    @Test
    void prepareNegotiatesUpFrontSoTheFreezeIsJustStop(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("qp.sock");
        try (ServerSocketChannel s = server(sock); QmpFreezer f = new QmpFreezer(sock, Duration.ofSeconds(5))) {
            fakeQemu(s, false, false);
            f.prepare();
            assertThat(received).containsExactly("{\"execute\":\"qmp_capabilities\"}");
            f.freeze();
            f.thaw();
        }
        assertThat(received).containsExactly("{\"execute\":\"qmp_capabilities\"}", "{\"execute\":\"stop\"}",
                "{\"execute\":\"cont\"}");
    }

    @Test
    void qmpErrorsAndSilenceBecomeExceptionsNotHangs(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("q1.sock");
        try (ServerSocketChannel s = server(sock); QmpFreezer f = new QmpFreezer(sock, Duration.ofSeconds(5))) {
            fakeQemu(s, true, false);
            f.freeze();
            assertThatThrownBy(f::thaw).hasMessageContaining("GenericError");
        }
        Path sock2 = dir.resolve("q2.sock");
        try (ServerSocketChannel s = server(sock2); QmpFreezer f = new QmpFreezer(sock2, Duration.ofMillis(300))) {
            fakeQemu(s, false, true);
            long t0 = System.nanoTime();
            assertThatThrownBy(f::freeze).hasMessageContaining("QMP stop");
            // the stop times out, then up to 3 resume attempts time out too (this fake serves one connection)
            assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(4).toNanos());
        }
        assertThatThrownBy(() -> new QmpFreezer(dir.resolve("absent.sock"), Duration.ofSeconds(1)).freeze())
                .hasMessageContaining("absent.sock");
    }

    /**
     * A QEMU with a run state across connections: {@code stop} pauses, {@code cont} resumes, {@code query-status}
     * reports. {@code loseStopReplies} stops without answering (the client times out); {@code hangConts} answers
     * neither nor resumes for that many {@code cont}s (QEMU busy).
     */
    static final class StatefulQemu {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger loseStopReplies = new AtomicInteger();
        final AtomicInteger hangConts = new AtomicInteger();
        final List<String> received = new CopyOnWriteArrayList<>();

        void serve(ServerSocketChannel server) {
            Thread t = new Thread(() -> {
                while (server.isOpen()) {
                    try (SocketChannel c = server.accept()) {
                        converse(c);
                    } catch (Exception e) {
                        // closed: next connection, or test over
                    }
                }
            }, "fake-qmp-stateful");
            t.setDaemon(true);
            t.start();
        }

        private void converse(SocketChannel c) throws Exception {
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c),
                    StandardCharsets.UTF_8));
            OutputStream out = Channels.newOutputStream(c);
            out.write("{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n".getBytes(StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                received.add(line);
                String reply = "{\"return\": {}}";
                if (line.contains("\"stop\"")) {
                    running.set(false);
                    if (loseStopReplies.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        continue;
                    }
                } else if (line.contains("\"cont\"")) {
                    if (hangConts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        continue;
                    }
                    running.set(true);
                } else if (line.contains("query-status")) {
                    reply = "{\"return\": {\"status\": \"" + (running.get() ? "running" : "paused")
                            + "\", \"singlestep\": false, \"running\": " + running.get() + "}}";
                }
                out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** A stop whose reply is lost fails the freeze with the guest running again (before: paused until the watchdog). */
    @Test
    void aLostStopReplyFailsTheFreezeWithTheGuestResumed(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("ls.sock");
        StatefulQemu q = new StatefulQemu();
        q.loseStopReplies.set(1);
        try (ServerSocketChannel s = server(sock); QmpFreezer f = new QmpFreezer(sock, Duration.ofMillis(300))) {
            q.serve(s);
            assertThatThrownBy(f::freeze).hasMessageContaining("QMP stop").hasMessageContaining("resumed");
            assertThat(q.running).as("the guest runs after the failed freeze").isTrue();
            assertThat(q.received).contains("{\"execute\":\"query-status\"}");
            f.freeze(); // and the next snapshot freezes normally
            assertThat(q.running).isFalse();
            f.thaw();
            assertThat(q.running).isTrue();
        }
    }

    /** A cont that times out is retried and verified; the thaw succeeds once the guest runs. */
    @Test
    void aContThatTimesOutIsRetriedUntilTheGuestRuns(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("ct.sock");
        StatefulQemu q = new StatefulQemu();
        try (ServerSocketChannel s = server(sock); QmpFreezer f = new QmpFreezer(sock, Duration.ofMillis(300))) {
            q.serve(s);
            f.freeze();
            assertThat(q.running).isFalse();
            q.hangConts.set(1);
            f.thaw();
            assertThat(q.running).as("resumed by the retry").isTrue();
        }
    }

    /** A QEMU that never resumes makes thaw throw (bounded), rather than return as if the guest ran. */
    @Test
    void aGuestThatCannotBeResumedMakesThawThrow(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("nr.sock");
        StatefulQemu q = new StatefulQemu();
        try (ServerSocketChannel s = server(sock); QmpFreezer f = new QmpFreezer(sock, Duration.ofMillis(200))) {
            q.serve(s);
            f.freeze();
            q.hangConts.set(100);
            long t0 = System.nanoTime();
            assertThatThrownBy(f::thaw).hasMessageContaining("still paused");
            assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(5).toNanos());
        }
    }
}
