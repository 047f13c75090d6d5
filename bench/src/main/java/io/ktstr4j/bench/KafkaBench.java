package io.ktstr4j.bench;

import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.sink.kafka.EmbeddedKafka;
import io.ktstr4j.sink.kafka.KafkaSinkConfig;
import io.ktstr4j.sink.kafka.KtstrHeaders;
import io.ktstr4j.sink.kafka.PublishSummary;
import io.ktstr4j.sink.kafka.RunPublisher;
import io.ktstr4j.sink.kafka.SyntheticRun;
import io.ktstr4j.sink.kafka.spool.OutRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Kafka sink benchmark: a main() that prints a table. Publishes streams shaped like 64-vCPU runs (one
 * {@code monitor.sample} with 64 CPUs per 100 ms tick, console lines, lifecycle, verdict) through {@link RunPublisher}
 * — the real path: bounded buffer, batching, zstd, idempotent producer with acks=all — to a real broker.
 *
 * <pre>
 * KafkaBench [--kafka HOST:PORT]   (default: an embedded broker in a child JVM)
 *            [--runs 64] [--ticks 600] [--paced-runs 64] [--paced-seconds 20] [--rounds 3]
 * </pre>
 *
 * Throughput: all runs' events are generated first, then published as fast as the sink takes them; events/s is the
 * count divided by the time from the first event to the last acknowledgement. Latency: the paced phase emits each run
 * at its real rate (10 samples/s per run), and for every acknowledged record takes ack time minus the time its oldest
 * event entered the sink, counted once per event in the record (so the figures are an upper bound per event).
 */
public final class KafkaBench {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = BenchArgs.parse(args);
        int runs = Integer.parseInt(a.getOrDefault("runs", "64"));
        int ticks = Integer.parseInt(a.getOrDefault("ticks", "600"));
        int pacedRuns = Integer.parseInt(a.getOrDefault("paced-runs", "64"));
        int pacedSeconds = Integer.parseInt(a.getOrDefault("paced-seconds", "20"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "3"));
        EmbeddedKafka embedded = null;
        String bootstrap = a.get("kafka");
        if (bootstrap == null) {
            // Full JIT for a throughput test (the CLI's embedded broker favours start-up time instead).
            embedded = new EmbeddedKafka(List.of("-Xmx1g", "-Xms256m", "-XX:+UseParallelGC", "-Djava.awt.headless=true"));
            bootstrap = embedded.start(Files.createTempDirectory("ktstr4j-kafkabench"));
        }
        try {
            System.out.printf(Locale.ROOT, "KafkaBench: broker %s%s; %d CPUs, JVM %s%n", bootstrap,
                    embedded != null ? " (embedded, same machine)" : "", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"));
            Path spool = Files.createTempDirectory("ktstr4j-kafkabench-spool");
            // Topics are created once, then warmed (JIT, producer metadata) before anything is measured: producing to
            // a partition in the moment the broker creates it can stall a batch until its delivery timeout
            // (KAFKA-15591; the spool catches it, but it is a first-run effect, not the steady state measured here).
            String prefix = "bench" + UUID.randomUUID().toString().substring(0, 6);
            createTopics(bootstrap, prefix);
            throughput(bootstrap, spool, prefix, 8, 200);
            System.out.println();
            System.out.printf(Locale.ROOT, "%-10s %8s %10s %12s %12s %10s %9s %8s%n", "phase", "runs", "events",
                    "events/s", "cpu-samp/s", "MB/s json", "acked", "spooled");
            for (int r = 0; r < rounds; r++) {
                Result t = throughput(bootstrap, spool, prefix, runs, ticks);
                System.out.printf(Locale.ROOT, "%-10s %8d %10d %12.0f %12.0f %10.1f %9d %8d%n", "burst", runs,
                        t.summary.events(), t.eventsPerSec(), t.cpuSamplesPerSec(), t.mbPerSec(), t.summary.acked(),
                        t.summary.spooled());
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "%-10s %8s %10s %12s %10s %10s %10s %10s%n", "phase", "runs", "events",
                    "events/s", "p50 ms", "p99 ms", "max ms", "spooled");
            for (int r = 0; r < rounds; r++) {
                Paced p = paced(bootstrap, spool, prefix, pacedRuns, pacedSeconds);
                System.out.printf(Locale.ROOT, "%-10s %8d %10d %12.0f %10.1f %10.1f %10.1f %10d%n", "paced", pacedRuns,
                        p.summary.events(), p.eventsPerSec, p.p50, p.p99, p.max, p.summary.spooled());
            }
            System.out.println();
            System.out.println("events/s counts run events (a 64-CPU monitor sample is one event); cpu-samp/s counts "
                    + "per-CPU rows; latency = ack time minus the oldest event's entry into the sink, per event.");
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    record Result(PublishSummary summary, long nanos, long cpuRows, long jsonBytes) {
        double eventsPerSec() {
            return summary.events() / (nanos / 1e9);
        }

        double cpuSamplesPerSec() {
            return cpuRows / (nanos / 1e9);
        }

        double mbPerSec() {
            return jsonBytes / (nanos / 1e9) / (1 << 20);
        }
    }

    static KafkaSinkConfig config(String bootstrap, Path spool, String prefix) {
        return KafkaSinkConfig.of(bootstrap).withTopicPrefix(prefix).withSpoolDir(spool)
                .withBufferEvents(1 << 20);
    }

    static Result throughput(String bootstrap, Path spool, String prefix, int runs, int ticks) {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        List<RunEvent> all = new ArrayList<>();
        long cpuRows = 0;
        long bytes = 0;
        for (int r = 0; r < runs; r++) {
            SyntheticRun run = new SyntheticRun("bench-" + tag + "-" + r, "steady/numa4-64cpu/scx_bench", 64, ticks, Outcome.PASS);
            List<RunEvent> ev = run.events();
            all.addAll(ev);
        }
        for (RunEvent e : all) {
            if (e.body() instanceof io.ktstr4j.schemas.event.MonitorSample s) {
                cpuRows += s.cpus().size();
            }
        }
        for (RunEvent e : all) {
            bytes += io.ktstr4j.sink.kafka.EventCodec.encode(e).json().length;
        }
        try (RunPublisher pub = new RunPublisher(config(bootstrap, spool, prefix))) {
            long t0 = System.nanoTime();
            PublishSummary s = pub.publish(Flux.fromIterable(all)).block(Duration.ofMinutes(10));
            return new Result(s, System.nanoTime() - t0, cpuRows, bytes);
        }
    }

    record Paced(PublishSummary summary, double eventsPerSec, double p50, double p99, double max) {
    }

    /** {@code runs} concurrent 64-vCPU runs, each emitting its ticks at 10 Hz for {@code seconds}. */
    static Paced paced(String bootstrap, Path spool, String prefix, int runs, int seconds)
            throws InterruptedException {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        int ticks = seconds * 10;
        List<List<RunEvent>> perRun = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            perRun.add(new SyntheticRun("paced-" + tag + "-" + r, "steady/numa4-64cpu/scx_bench", 64, ticks, Outcome.PASS)
                    .events());
        }
        Map<String, Long> entered = new ConcurrentHashMap<>();
        long[] lat = new long[perRun.stream().mapToInt(List::size).sum() + 16];
        AtomicLong n = new AtomicLong();
        Sinks.Many<RunEvent> in = Sinks.many().unicast().onBackpressureBuffer();
        try (RunPublisher pub = new RunPublisher(config(bootstrap, spool, prefix))) {
            pub.onAck((OutRecord r) -> {
                long now = System.nanoTime();
                String first = r.header(KtstrHeaders.EVENT_ID);
                Long t = first == null ? null : entered.get(first);
                if (t != null) {
                    for (int i = 0; i < r.eventCount(); i++) {
                        long k = n.getAndIncrement();
                        if (k < lat.length) {
                            lat[(int) k] = now - t;
                        }
                    }
                }
            });
            var done = pub.publish(in.asFlux()).toFuture();
            long t0 = System.nanoTime();
            int[] next = new int[runs];
            List<int[]> sampleIdx = new ArrayList<>();
            for (List<RunEvent> ev : perRun) {
                sampleIdx.add(java.util.stream.IntStream.range(0, ev.size())
                        .filter(i -> ev.get(i).body() instanceof io.ktstr4j.schemas.event.MonitorSample).toArray());
            }
            // One emitter thread. Each run ticks every 100 ms, runs spread evenly inside the tick (as independent
            // VMs are) and their starts staggered over the first second: at its k-th tick a run emits its events up
            // to its k-th sample.
            long slotNanos = 100_000_000L / runs;
            for (long slot = 0; slot < (long) (ticks + 10) * runs; slot++) {
                int r = (int) (slot % runs);
                int tick = (int) (slot / runs);
                long due = t0 + slot * slotNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                List<RunEvent> ev = perRun.get(r);
                int[] samples = sampleIdx.get(r);
                int own = tick - r % 10;
                if (own < 0) {
                    continue;
                }
                int upTo = own < samples.length ? samples[own] : ev.size() - 1;
                while (next[r] <= upTo) {
                    RunEvent e = ev.get(next[r]++);
                    entered.put(e.eventId(), System.nanoTime());
                    in.emitNext(e, Sinks.EmitFailureHandler.FAIL_FAST);
                }
            }
            in.emitComplete(Sinks.EmitFailureHandler.FAIL_FAST);
            PublishSummary s;
            try {
                s = done.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            int count = (int) Math.min(n.get(), lat.length);
            long[] l = Arrays.copyOf(lat, count);
            Arrays.sort(l);
            return new Paced(s, s.events() / secs, pct(l, 0.50), pct(l, 0.99), count == 0 ? 0 : l[count - 1] / 1e6);
        }
    }

    /** Topics exist before the clock starts, as they do for every run after a cluster's first. */
    static void createTopics(String bootstrap, String prefix) {
        try (io.ktstr4j.sink.kafka.TopicAdmin admin = new io.ktstr4j.sink.kafka.TopicAdmin(bootstrap, Map.of(),
                Duration.ofSeconds(30))) {
            admin.ensureTopics(new io.ktstr4j.sink.kafka.TopicLayout(prefix));
        }
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] / 1e6;
    }
}
