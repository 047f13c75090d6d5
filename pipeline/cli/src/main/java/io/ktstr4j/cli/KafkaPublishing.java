package io.ktstr4j.cli;

import io.ktstr4j.cli.kafka.KafkaClientOptions;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.sink.kafka.KafkaSinkConfig;
import io.ktstr4j.sink.kafka.KafkaUnavailableException;
import io.ktstr4j.sink.kafka.PublishSummary;
import io.ktstr4j.sink.kafka.RunPublisher;
import io.ktstr4j.sink.kafka.TopicAdmin;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Optional Kafka publishing of the run's events ({@code --kafka}); a pass-through when not asked for. The run's flux is
 * teed: the CLI consumes it as before, and each event is also handed to the {@link RunPublisher}, whose bounded buffer
 * and on-disk spool never make the run wait for Kafka.
 */
class KafkaPublishing implements AutoCloseable {
    private final RunPublisher publisher;
    private final PrintStream err;
    private long events;
    private long acked;
    private long spooled;
    private long replayed;
    private long failed;
    private int runs;
    private final java.util.List<Pending> pending = new java.util.ArrayList<>();

    private KafkaPublishing(RunPublisher publisher, PrintStream err) {
        this.publisher = publisher;
        this.err = err;
    }

    /**
     * Starts publishing as the options say: starts the embedded broker, or checks that the cluster answers, before any
     * VM boots, so a wrong address fails in seconds (or, with {@code --kafka-fallback spool}, warns).
     */
    static KafkaPublishing start(KafkaClientOptions options, PrintStream err, boolean quiet) {
        if (options == null || !options.enabled()) {
            return new KafkaPublishing(null, err);
        }
        KafkaSinkConfig config = options.config();
        RunPublisher publisher = new RunPublisher(config);
        try {
            if (config.embedded() && !quiet) {
                err.println("  kafka: starting the embedded broker (data in " + config.embeddedDataDir() + ")...");
            }
            String bootstrap = publisher.bootstrap();
            try (TopicAdmin admin = new TopicAdmin(bootstrap, config.clientProperties(), config.connectTimeout())) {
                admin.brokers();
            } catch (KafkaUnavailableException e) {
                if (config.onUnavailable() == KafkaSinkConfig.OnUnavailable.FAIL_FAST) {
                    throw e;
                }
                err.println("  kafka: WARNING: " + e.getMessage().replaceFirst("\\. Check the address.*", "")
                        + "; events go to the spool " + config.spoolDir() + " (replay: ktstr4j kafka replay)");
            }
            if (!quiet) {
                err.println("  kafka: publishing to " + bootstrap + " (topics " + config.topicPrefix() + ".*)");
            }
            return new KafkaPublishing(publisher, err);
        } catch (RuntimeException e) {
            publisher.close();
            throw e;
        }
    }

    /**
     * One variant's events, published on the side when Kafka is on; the caller consumes the returned flux. Publishing
     * goes on in the background after the flux completes; {@link #awaitAll()} waits for it.
     */
    Flux<RunEvent> publish(String variantKey, Flux<RunEvent> events) {
        if (publisher == null) {
            return events;
        }
        Sinks.Many<RunEvent> tee = Sinks.many().unicast().onBackpressureBuffer();
        CompletableFuture<PublishSummary> summary = publisher.publish(tee.asFlux()).toFuture();
        synchronized (this) {
            pending.add(new Pending(variantKey, summary));
        }
        return events.doOnNext(tee::tryEmitNext)
                // Completing on cancel too: what the run produced before Ctrl-C is still published or spooled.
                .doFinally(signal -> tee.tryEmitComplete());
    }

    /**
     * Waits for every variant's publish to end (each acknowledged or spooled; the variants drain in parallel, so a
     * slow broker costs the drain timeout once, not once per variant) and prints each variant's counters line.
     */
    void awaitAll() throws InterruptedException {
        java.util.List<Pending> all;
        synchronized (this) {
            all = java.util.List.copyOf(pending);
            pending.clear();
        }
        RuntimeException first = null;
        for (Pending p : all) {
            try {
                PublishSummary s = p.summary().get();
                add(s);
                err.println("  " + p.variantKey() + ": " + s.line());
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (first == null) {
                    first = c instanceof RuntimeException r ? r : new IllegalStateException(c.getMessage(), c);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** A variant's publish still under way. */
    private record Pending(String variantKey, CompletableFuture<PublishSummary> summary) {
    }

    private synchronized void add(PublishSummary s) {
        runs++;
        events += s.events();
        acked += s.acked();
        spooled += s.spooled();
        replayed += s.replayed();
        failed += s.failed();
    }

    /** The totals over every variant, or null when Kafka is off or nothing was published. */
    synchronized String totals() {
        if (publisher == null || runs == 0) {
            return null;
        }
        String s = String.format(java.util.Locale.ROOT, "kafka total: %d events in %d variant%s: %d acked, "
                + "%d spooled, %d replayed, %d failed", events, runs, runs == 1 ? "" : "s", acked, spooled, replayed,
                failed);
        long pending = spooled - replayed;
        return pending > 0 ? s + "; " + pending + " still in the spool " + publisher.config().spoolDir()
                + " (ktstr4j kafka replay --kafka HOST:PORT --kafka-spool " + publisher.config().spoolDir() + ")" : s;
    }

    @Override
    public void close() {
        if (publisher != null) {
            publisher.close();
        }
    }

    // ---- BEGIN runs branch placeholder (run-level events), to be merged into the rewrite ----------------------------
    // RunCommand calls this for run.started (before the first VM boots) and run.finished (after the last variant, also
    // when one failed). Each event is published on its own; run.finished waits for both, so awaitAll() and totals()
    // that follow count them (in the events and acked/spooled totals, not as a variant).
    private final java.util.List<CompletableFuture<PublishSummary>> runEventPublishes = new java.util.ArrayList<>();

    void publishRunEvent(RunEvent e) {
        if (publisher == null) {
            return;
        }
        runEventPublishes.add(publisher.publish(Flux.just(e)).toFuture());
        if (!(e.body() instanceof io.ktstr4j.schemas.event.RunFinished)) {
            return;
        }
        for (CompletableFuture<PublishSummary> f : runEventPublishes) {
            try {
                PublishSummary s = f.join();
                synchronized (this) {
                    events += s.events();
                    acked += s.acked();
                    spooled += s.spooled();
                    replayed += s.replayed();
                    failed += s.failed();
                }
            } catch (java.util.concurrent.CompletionException x) {
                err.println("  kafka: run event not published: " + x.getCause());
            }
        }
        runEventPublishes.clear();
    }
    // ---- END runs branch placeholder ---------------------------------------------------------------------------------
}
