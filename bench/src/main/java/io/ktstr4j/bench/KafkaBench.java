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
        boolean perfTest = !a.containsKey("no-perf-test");
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
            Result warm = throughput(bootstrap, spool, prefix, 8, 200);
            if (perfTest) {
                PerfTest.run(bootstrap, prefix, warm.payloads(), Math.max(50, warm.records() / 2)); // warm it too
            }
            System.out.println();
            System.out.println("Burst: every event generated first, then published as fast as the sink takes it; "
                    + "kafka-producer-perf-test (ProducerPerformance, same JVM, same broker, same producer settings) "
                    + "sends a sample of the sink's own record values, as many records as the sink sent.");
            System.out.printf(Locale.ROOT, "%-6s %8s %9s %9s %9s %8s %10s %9s %9s %10s %9s %7s%n", "round", "events",
                    "events/s", "cpu-samp/s", "records", "rec/s", "MB/s value", "MB/s json", "perf rec/s",
                    "perf MB/s", "ratio", "spooled");
            List<Double> ratios = new ArrayList<>();
            List<Double> sinkMb = new ArrayList<>();
            List<Double> perfMb = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                Result t = throughput(bootstrap, spool, prefix, runs, ticks);
                PerfTest.Figures f = perfTest ? PerfTest.run(bootstrap, prefix, t.payloads(), t.records()) : null;
                double ratio = f == null ? Double.NaN : t.valueMbPerSec() / f.mbPerSec();
                ratios.add(ratio);
                sinkMb.add(t.valueMbPerSec());
                perfMb.add(f == null ? Double.NaN : f.mbPerSec());
                System.out.printf(Locale.ROOT, "%-6d %8d %9.0f %9.0f %9d %8.0f %10.1f %9.1f %9.0f %10.1f %9.2f %7d%n",
                        r + 1, t.summary.events(), t.eventsPerSec(), t.cpuSamplesPerSec(), t.records(),
                        t.recordsPerSec(), t.valueMbPerSec(), t.mbPerSec(), f == null ? Double.NaN : f.recordsPerSec(),
                        f == null ? Double.NaN : f.mbPerSec(), ratio, t.summary.spooled());
            }
            System.out.printf(Locale.ROOT, "median: sink %.1f MB/s, perf-test %.1f MB/s, ratio sink / perf-test %.2f "
                    + "(goal >= 0.8)%n", median(sinkMb), median(perfMb), median(ratios));
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
                    + "per-CPU rows; records are Kafka records (NDJSON batches of up to 256 KiB); MB/s value counts "
                    + "record value bytes acknowledged, the measure perf-test reports (MB = 2^20 bytes), from the "
                    + "first event in to the last acknowledgement; MB/s json counts each event's JSON once; "
                    + "latency = ack time minus the oldest event's entry into the sink, per event.");
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.removeIf(d -> d.isNaN());
        if (s.isEmpty()) {
            return Double.NaN;
        }
        s.sort(null);
        return s.get(s.size() / 2);
    }

    /**
     * One burst. {@code valueBytes}/{@code records}: what the broker acknowledged (record values, as perf-test counts);
     * {@code nanos}: from the first event handed to the publication to the last acknowledgement; {@code payloads}: a
     * uniform sample of the acknowledged record values (for perf-test).
     */
    record Result(PublishSummary summary, long nanos, long cpuRows, long jsonBytes, long records, long valueBytes,
                  List<byte[]> payloads) {
        double eventsPerSec() {
            return summary.events() / (nanos / 1e9);
        }

        double cpuSamplesPerSec() {
            return cpuRows / (nanos / 1e9);
        }

        double mbPerSec() {
            return jsonBytes / (nanos / 1e9) / (1 << 20);
        }

        double recordsPerSec() {
            return records / (nanos / 1e9);
        }

        double valueMbPerSec() {
            return valueBytes / (nanos / 1e9) / (1 << 20);
        }
    }

    /**
     * The buffer is sized so that what a subscribed stream may have outstanding (half the buffer, in events) fits in
     * half the in-flight window (64 MiB, in bytes): 2 048 monitor samples of ~11 KB are ~23 MB. With the default
     * 65 536 events (32 768 outstanding, ~370 MB of samples) a source as fast as this burst fills the window and most
     * of the burst goes to the spool (Publication bounds a stream's demand in events, not bytes).
     */
    static KafkaSinkConfig config(String bootstrap, Path spool, String prefix) {
        return KafkaSinkConfig.of(bootstrap).withTopicPrefix(prefix).withSpoolDir(spool)
                .withBufferEvents(4096);
    }

    static Result throughput(String bootstrap, Path spool, String prefix, int runs, int ticks) throws Exception {
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
        AtomicLong records = new AtomicLong();
        AtomicLong valueBytes = new AtomicLong();
        AtomicLong lastAck = new AtomicLong();
        Reservoir sample = new Reservoir(PerfTest.PAYLOADS, new java.util.Random(runs * 31L + ticks));
        try (RunPublisher pub = new RunPublisher(config(bootstrap, spool, prefix))) {
            pub.onAck(r -> {
                records.incrementAndGet();
                valueBytes.addAndGet(r.value().length);
                lastAck.set(System.nanoTime());
                sample.offer(r.value());
            });
            // The clock starts when the first event is handed over: the start-of-run check and the producer's
            // creation are outside it, as they are outside perf-test's.
            io.ktstr4j.sink.kafka.Publication p = pub.open();
            long t0 = System.nanoTime();
            p.subscribe(Flux.fromIterable(all));
            PublishSummary s = p.done().get(10, java.util.concurrent.TimeUnit.MINUTES);
            long end = lastAck.get() == 0 ? System.nanoTime() : lastAck.get();
            return new Result(s, end - t0, cpuRows, bytes, records.get(), valueBytes.get(), sample.items());
        }
    }

    /** A uniform random sample of at most {@code size} items (Algorithm R); offers come from Kafka's I/O thread. */
    static final class Reservoir {
        private final int size;
        private final java.util.Random rnd;
        private final List<byte[]> items = new ArrayList<>();
        private long seen;

        Reservoir(int size, java.util.Random rnd) {
            this.size = size;
            this.rnd = rnd;
        }

        synchronized void offer(byte[] v) {
            seen++;
            if (items.size() < size) {
                items.add(v);
            } else {
                long j = (long) (rnd.nextDouble() * seen);
                if (j < size) {
                    items.set((int) j, v);
                }
            }
        }

        synchronized List<byte[]> items() {
            return List.copyOf(items);
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
