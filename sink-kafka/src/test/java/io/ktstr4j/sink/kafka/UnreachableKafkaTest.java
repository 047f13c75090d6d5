package io.ktstr4j.sink.kafka;

import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.sink.kafka.spool.SpoolFiles;
import io.ktstr4j.sink.kafka.spool.SpoolReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** No broker needed: the address is a closed port on 127.0.0.1. */
class UnreachableKafkaTest {
    @TempDir
    Path tmp;

    static String closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }

    private KafkaSinkConfig config(String bootstrap) {
        return KafkaSinkConfig.of(bootstrap).withSpoolDir(tmp.resolve("spool"))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofMillis(500));
    }

    @Test
    void unreachableBootstrapFailsFastNamingTheAddressAndNeverStartsTheRun() throws IOException {
        String bs = closedPort();
        AtomicBoolean subscribed = new AtomicBoolean();
        Flux<RunEvent> run = Flux.fromIterable(new SyntheticRun("r", "v", 2, 5, Outcome.PASS).events())
                .doOnSubscribe(s -> subscribed.set(true));
        long t0 = System.nanoTime();
        try (RunPublisher pub = new RunPublisher(config(bs))) {
            assertThatThrownBy(() -> pub.publish(run).block(Duration.ofSeconds(30)))
                    .isInstanceOf(KafkaUnavailableException.class)
                    .hasMessageContaining("Kafka at '" + bs + "' is unreachable")
                    .hasMessageContaining("ktstr4j kafka start");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
        assertThat(subscribed).isFalse();
    }

    @Test
    void unreachableBootstrapFallsBackToTheSpoolWithAWarningWhenConfigured() throws IOException {
        String bs = closedPort();
        List<RunEvent> events = new SyntheticRun("r", "v", 2, 30, Outcome.PASS).events();
        PublishSummary s;
        try (RunPublisher pub = new RunPublisher(config(bs).withOnUnavailable(KafkaSinkConfig.OnUnavailable.SPOOL))) {
            s = pub.publish(Flux.fromIterable(events)).block(Duration.ofSeconds(60));
        }
        assertThat(s).isNotNull();
        assertThat(s.events()).isEqualTo(events.size());
        assertThat(s.acked()).isZero();
        assertThat(s.spooled()).isEqualTo(events.size());
        assertThat(s.failed()).isZero();
        assertThat(s.pending()).isEqualTo(events.size());
        assertThat(s.warnings()).anySatisfy(w -> assertThat(w).startsWith("WARNING").contains(bs).contains("spool"));
        assertThat(s.line()).contains("still in spool").contains("ktstr4j kafka replay");
        // Everything is on disk, readable, in order.
        assertThat(SpoolFiles.sessions(tmp.resolve("spool"))).singleElement().isEqualTo(s.spoolDir());
        SpoolReader r = new SpoolReader(s.spoolDir(), false);
        long n = 0;
        List<String> firstIds = new ArrayList<>();
        for (var e = r.next(); e.isPresent(); e = r.next()) {
            n += e.get().record().eventCount();
            firstIds.add(e.get().record().header(KtstrHeaders.EVENT_ID));
        }
        assertThat(n).isEqualTo(events.size());
        assertThat(r.damaged()).isEmpty();
        assertThat(firstIds.get(0)).isEqualTo("r/v/0");
    }

    @Test
    void malformedBootstrapIsRejectedWithTheBadEntry() {
        assertThatThrownBy(() -> KafkaSinkConfig.of("localhost"))
                .hasMessageContaining("'localhost' is not host:port");
    }
}
