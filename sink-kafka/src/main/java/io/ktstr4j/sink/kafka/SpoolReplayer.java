package io.ktstr4j.sink.kafka;

import io.ktstr4j.sink.kafka.spool.SpoolFiles;
import io.ktstr4j.sink.kafka.spool.SpoolReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Replays what earlier runs left in a spool directory (Kafka was down at the end of the run, or the process died):
 * every session, oldest first, each in order (lane a, then lane b) from its cursor; a session is deleted once fully
 * acknowledged. Sessions still locked by a live publisher are skipped. Crash-safe: torn tails are skipped and reported;
 * a segment with a damaged place is kept as {@code <name>.damaged}, and its session directory is not deleted.
 * Records already acknowledged before a crash may be sent again; consumers drop them by event id.
 */
public final class SpoolReplayer {
    private static final Logger log = LoggerFactory.getLogger(SpoolReplayer.class);

    /**
     * What a replay did.
     *
     * @param damaged      damaged places skipped: each segment's entries after one are lost; the segment is kept as
     *                     {@link SpoolReader.Damage#keptAs()}
     * @param sessionsKept replayed sessions not deleted because they hold {@code .damaged} segments
     */
    public record ReplaySummary(int sessions, int sessionsSkipped, long records, long events,
                                List<SpoolReader.Damage> damaged, List<Path> sessionsKept, String error) {
        public ReplaySummary {
            damaged = List.copyOf(damaged);
            sessionsKept = List.copyOf(sessionsKept);
        }

        /** Bytes of spool data skipped as damaged (lost records). */
        public long bytesSkipped() {
            return damaged.stream().mapToLong(SpoolReader.Damage::bytesSkipped).sum();
        }

        public String line() {
            String s = String.format("kafka replay: %d sessions (%d skipped: in use), %d records, %d events replayed",
                    sessions, sessionsSkipped, records, events);
            if (!damaged.isEmpty()) {
                List<String> places = new ArrayList<>();
                for (SpoolReader.Damage d : damaged) {
                    places.add(d.keptAs() + " at byte " + d.offset() + ": " + d.reason() + ", " + d.bytesSkipped()
                            + " bytes skipped");
                }
                s += String.format("; LOST damaged spool data, %d bytes in %d segments (kept for inspection): %s",
                        bytesSkipped(), damaged.size(), String.join("; ", places));
            }
            if (!sessionsKept.isEmpty()) {
                s += "; sessions not deleted: " + String.join(", ", sessionsKept.stream().map(Path::toString).toList())
                        + " (they hold .damaged segments)";
            }
            if (error != null) {
                s += "; STOPPED: " + error;
            }
            return s;
        }
    }

    /** Attempts at one chunk before the replay stops and leaves the rest in the spool. */
    private static final int CHUNK_ATTEMPTS = 3;
    private final KafkaSinkConfig config;

    public SpoolReplayer(KafkaSinkConfig config) {
        this.config = config;
    }

    /** Replays {@code config.spoolDir()} to {@code bootstrap} (runs on a bounded-elastic thread). */
    public Mono<ReplaySummary> replay(String bootstrap) {
        return Mono.fromCallable(() -> replayBlocking(bootstrap)).subscribeOn(Schedulers.boundedElastic());
    }

    public ReplaySummary replayBlocking(String bootstrap) {
        int sessions = 0;
        int skipped = 0;
        long records = 0;
        long events = 0;
        List<SpoolReader.Damage> damaged = new ArrayList<>();
        List<Path> kept = new ArrayList<>();
        try (TopicAdmin admin = new TopicAdmin(bootstrap, config.clientProperties(), config.connectTimeout())) {
            if (config.createTopics()) {
                admin.ensureTopics(new TopicLayout(config.topicPrefix()));
            } else {
                admin.brokers();
            }
        } catch (KafkaUnavailableException e) {
            return new ReplaySummary(0, 0, 0, 0, List.of(), List.of(), e.getMessage());
        }
        try (KafkaTransport transport = new KafkaTransport(bootstrap, config.clientProperties(),
                config.deliveryTimeout(), config.connectTimeout(), 512, new TopicLayout(config.topicPrefix()))) {
            for (Path session : SpoolFiles.sessions(config.spoolDir())) {
                try (FileChannel ch = FileChannel.open(session.resolve(SpoolFiles.LOCK), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE)) {
                    FileLock lock;
                    try {
                        lock = ch.tryLock();
                    } catch (OverlappingFileLockException e) {
                        lock = null;
                    }
                    if (lock == null) {
                        skipped++;
                        continue;
                    }
                    sessions++;
                    SpoolReader reader = new SpoolReader(session, false);
                    int failedAttempts = 0;
                    while (true) {
                        SpoolPump.Step step = SpoolPump.sendChunk(reader, transport, 512, 16L << 20,
                                config.deliveryTimeout().plusSeconds(5), p -> false);
                        if (step.error() != null && ++failedAttempts < CHUNK_ATTEMPTS) {
                            // The chunk is read again from its start (duplicates are dropped by event id).
                            log.warn("Kafka at {} did not acknowledge a replayed chunk ({}); trying again", bootstrap,
                                    step.error().toString());
                            continue;
                        }
                        if (step.error() != null) {
                            damaged.addAll(reader.damaged());
                            return new ReplaySummary(sessions, skipped, records, events, damaged, kept,
                                    "Kafka at " + bootstrap + " did not acknowledge: " + step.error()
                                            + " (the rest stays in " + session + ")");
                        }
                        if (step.empty()) {
                            break;
                        }
                        failedAttempts = 0;
                        records += step.records();
                        events += step.events();
                    }
                    damaged.addAll(reader.damaged());
                    lock.release();
                    if (deleteSession(session)) {
                        kept.add(session);
                        log.warn("replayed spool session {}; kept for its damaged segments {}", session,
                                SpoolFiles.damaged(session));
                    } else {
                        log.info("replayed and removed spool session {}", session);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot replay spool session " + session + ": " + e.getMessage(),
                            e);
                }
            }
        }
        return new ReplaySummary(sessions, skipped, records, events, damaged, kept, null);
    }

    /** See {@link SpoolFiles#deleteSession}. */
    static boolean deleteSession(Path session) throws IOException {
        return SpoolFiles.deleteSession(session);
    }
}
