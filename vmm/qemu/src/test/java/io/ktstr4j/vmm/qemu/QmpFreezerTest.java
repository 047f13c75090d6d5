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
            assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(2).toNanos());
        }
        assertThatThrownBy(() -> new QmpFreezer(dir.resolve("absent.sock"), Duration.ofSeconds(1)).freeze())
                .hasMessageContaining("absent.sock");
    }
}
