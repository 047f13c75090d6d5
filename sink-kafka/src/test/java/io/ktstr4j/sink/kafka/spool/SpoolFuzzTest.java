package io.ktstr4j.sink.kafka.spool;

import io.ktstr4j.schemas.fuzz.Fuzz;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing spool replay (issue 16, part C): {@link SpoolReader} over sessions of random segments whose bytes are
 * damaged (flipped, cut, stuffed, lengths rewritten) and whose cursor is garbage. Boundary: none (a damaged place is
 * data: {@link SpoolReader#damaged()}); {@code while (!atEnd()) next()} ends within entries + segments + 2 rounds;
 * a call allocates at most 4 × the session's bytes + 1 MiB (never what a corrupt length claims); every entry handed out
 * is one that was written. {@link Fuzz#CI_CASES} cases; {@link SpoolFuzzFullTest} runs {@link Fuzz#FULL_CASES}.
 */
@Tag("slow")
class SpoolFuzzTest {

    @Test
    void damagedSessions() throws IOException {
        run(Fuzz.cases(Fuzz.CI_CASES));
    }

    static Fuzz.Report run(long cases) throws IOException {
        Path shm = Path.of("/dev/shm");
        Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "ktstr-spool-fuzz") : Files.createTempDirectory("ktstr-spool-fuzz");
        try {
            Path session = dir.resolve("s");
            return Fuzz.run("spool", cases, new Fuzz.Limits(Duration.ofSeconds(10), t -> false), ctx -> {
                Random rnd = ctx.rnd;
                clear(session);
                Files.createDirectories(session);
                int segments = 1 + rnd.nextInt(3);
                int written = 0;
                long bytes = 0;
                for (int s = 0; s < segments; s++) {
                    ByteArrayOutputStream seg = new ByteArrayOutputStream();
                    for (int e = rnd.nextInt(8); e > 0; e--) {
                        ByteBuffer b = SpoolEntryCodec.encode(record(rnd, written++));
                        seg.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
                    }
                    byte[] data = damage(seg.toByteArray(), rnd);
                    bytes += data.length;
                    Files.write(session.resolve(SpoolFiles.segmentName(rnd.nextInt(4) == 0 ? 'b' : 'a', s + 1)), data);
                }
                if (rnd.nextInt(4) == 0) {
                    Files.writeString(session.resolve(SpoolFiles.CURSOR), switch (rnd.nextInt(5)) {
                        case 0 -> "a-000001.seg " + (rnd.nextInt(200) - 100);
                        case 1 -> "a-000002.seg " + rnd.nextLong();
                        case 2 -> "zzz 12";
                        case 3 -> "a-000001.seg";
                        default -> "b-000009.seg 0";
                    });
                }
                long bound = 4 * bytes + (1 << 20);
                SpoolReader reader = new SpoolReader(session, rnd.nextBoolean());
                if (rnd.nextBoolean()) {
                    reader.writerClosed();
                }
                int rounds = 0;
                while (true) {
                    Boolean end = ctx.underTest(bound, reader::atEnd);
                    if (end == null || end) {
                        break;
                    }
                    Optional<SpoolReader.Entry> e = ctx.underTest(bound, reader::next);
                    if (e == null || e.isEmpty()) {
                        break; // a writer may still be appending (followWriter without writerClosed)
                    }
                    String topic = e.get().record().topic();
                    ctx.check(topic.startsWith("t") && new String(e.get().record().value(), StandardCharsets.UTF_8)
                            .startsWith("{\"seq\":"), "an entry that was never written: " + topic);
                    ctx.check(++rounds <= written + 2 * segments + 2, "replay does not end: " + rounds + " rounds");
                    if (rnd.nextInt(4) == 0) {
                        SpoolReader.Position p = e.get().end();
                        ctx.underTest(bound, () -> {
                            reader.commit(p, x -> false);
                            return null;
                        });
                    }
                }
                ctx.underTest(bound, reader::damaged);
            });
        } finally {
            clear(dir);
        }
    }

    static OutRecord record(Random rnd, int i) {
        byte[] v = ("{\"seq\":" + i + "}" + "v".repeat(rnd.nextInt(4) == 0 ? rnd.nextInt(2000) : rnd.nextInt(20)))
                .getBytes(StandardCharsets.UTF_8);
        return new OutRecord("t" + rnd.nextInt(3), ("k" + i).getBytes(StandardCharsets.UTF_8),
                List.of(OutRecord.Header.of("ktstr4j.event_id", "e/" + i)), v, 1 + rnd.nextInt(3));
    }

    static byte[] damage(byte[] data, Random rnd) {
        switch (rnd.nextInt(7)) {
            case 0 -> {
                for (int i = 1 + rnd.nextInt(4); i > 0 && data.length > 0; i--) {
                    data[rnd.nextInt(data.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
                return data;
            }
            case 1 -> {
                return java.util.Arrays.copyOf(data, rnd.nextInt(data.length + 1));
            }
            case 2 -> { // a length field claims far more than the file holds (up to the codec's 64 MiB limit)
                if (data.length >= SpoolEntryCodec.FRAME_HEADER) {
                    int len = rnd.nextBoolean() ? SpoolEntryCodec.MAX_PAYLOAD : rnd.nextInt(SpoolEntryCodec.MAX_PAYLOAD);
                    ByteBuffer.wrap(data).putInt(4, len);
                }
                return data;
            }
            case 3 -> { // random bytes appended or inserted
                byte[] junk = new byte[1 + rnd.nextInt(64)];
                rnd.nextBytes(junk);
                byte[] out = new byte[data.length + junk.length];
                int at = rnd.nextInt(data.length + 1);
                System.arraycopy(data, 0, out, 0, at);
                System.arraycopy(junk, 0, out, at, junk.length);
                System.arraycopy(data, at, out, at + junk.length, data.length - at);
                return out;
            }
            default -> {
                return data;
            }
        }
    }

    static void clear(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
