package io.ktstr4j.cli;

import io.ktstr4j.cli.kafka.KafkaClientOptions;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.sink.kafka.KafkaSinkConfig;
import io.ktstr4j.sink.kafka.Publication;
import io.ktstr4j.sink.kafka.PublishSummary;
import io.ktstr4j.sink.kafka.RunPublisher;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Flux;

/**
 * Optional Kafka publishing of a command's events ({@code --kafka}); a pass-through when not asked for. One
 * {@link Publication} per command: every variant's events, and the run's own, are offered to it as they pass (an
 * offer never waits and never touches the disk on the run's thread). On the first SIGINT/SIGTERM a shutdown hook gives
 * Kafka {@link #SIGNAL_GRACE} to take what was produced, spools and fsyncs the rest, and prints where it all went.
 */
class KafkaPublishing implements AutoCloseable {
    /** How long Kafka may take what was produced once the command is interrupted, before the rest is spooled. */
    static final Duration SIGNAL_GRACE = Duration.ofSeconds(5);

    private final RunPublisher publisher;
    private final Publication publication;
    private final PrintStream err;
    private final Thread hook;
    private boolean finished;

    private KafkaPublishing(RunPublisher publisher, Publication publication, PrintStream err) {
        this.publisher = publisher;
        this.publication = publication;
        this.err = err;
        this.hook = publication == null ? null : new Thread(this::interrupted, "ktstr4j-kafka-signal");
        if (hook != null) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
    }

    /**
     * Starts publishing as the options say, before any VM boots: starts the embedded broker, or checks that the
     * cluster answers. {@code --kafka-fallback fail} refuses to start when it does not (a wrong address fails in
     * seconds); {@code spool} warns and starts in the spool. Once started, an outage always goes to the spool.
     */
    static KafkaPublishing start(KafkaClientOptions options, PrintStream err, boolean quiet) {
        if (options == null || !options.enabled()) {
            return new KafkaPublishing(null, null, err);
        }
        KafkaSinkConfig config = options.config();
        RunPublisher publisher = new RunPublisher(config);
        try {
            if (config.embedded() && !quiet) {
                err.println("  kafka: starting the embedded broker (data in " + config.embeddedDataDir() + ")...");
            }
            Publication publication = publisher.open();
            if (!publication.startedReachable()) {
                err.println("  kafka: WARNING: Kafka at " + publisher.bootstrap() + " does not answer; events go to"
                        + " the spool " + config.spoolDir() + " and are replayed if it comes back (later: ktstr4j"
                        + " kafka replay)");
            }
            if (!quiet) {
                err.println("  kafka: publishing to " + publisher.bootstrap() + " (topics " + config.topicPrefix()
                        + ".*)");
            }
            return new KafkaPublishing(publisher, publication, err);
        } catch (RuntimeException e) {
            publisher.close();
            throw e;
        }
    }

    /** One variant's events: each is offered to the publication as it passes; the caller consumes the flux. */
    Flux<RunEvent> publish(Flux<RunEvent> events) {
        return publication == null ? events : events.doOnNext(publication::offer);
    }

    /** An event of the run itself (run.started, run.finished). */
    void publishRunEvent(RunEvent e) {
        if (publication != null) {
            publication.offer(e);
        }
    }

    /**
     * The command is done: waits until every event is acknowledged, or (Kafka away) the drain timeout has passed and
     * the rest is in the spool, and prints the counters line.
     */
    void finish() throws InterruptedException {
        if (publication == null || !claimEnd()) {
            return;
        }
        publication.complete();
        PublishSummary s = await(Long.MAX_VALUE);
        removeHook();
        if (s != null) {
            err.println(s.line());
        }
    }

    /**
     * The command was interrupted (SIGINT/SIGTERM) and has wrapped up: Kafka gets {@link #SIGNAL_GRACE} for what was
     * produced, the rest is spooled; prints where it all went.
     */
    void finishInterrupted() {
        interrupted();
        removeHook();
    }

    /** The shutdown hook: the command was interrupted (SIGINT/SIGTERM) before it finished. */
    private void interrupted() {
        if (publication == null || !claimEnd()) {
            return;
        }
        publication.shutdown(SIGNAL_GRACE);
        try {
            // Spooling the rest takes disk time beyond the grace period; the hook must still end.
            PublishSummary s = await(SIGNAL_GRACE.toSeconds() + 60);
            err.println(s == null ? "kafka: interrupted: the publisher did not end within "
                    + (SIGNAL_GRACE.toSeconds() + 60) + " s" : "kafka: interrupted: " + s.line());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        err.flush();
    }

    private synchronized boolean claimEnd() {
        if (finished) {
            return false;
        }
        finished = true;
        return true;
    }

    private PublishSummary await(long seconds) throws InterruptedException {
        try {
            return seconds == Long.MAX_VALUE ? publication.done().get()
                    : publication.done().get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof RuntimeException r ? r : new IllegalStateException(c.getMessage(), c);
        } catch (TimeoutException e) {
            return null;
        }
    }

    private void removeHook() {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down already: the hook runs, and finds the publication ended
        }
    }

    /** On an error path (the command failed before {@link #finish()}): what was produced is still published. */
    @Override
    public void close() throws InterruptedException {
        try {
            finish();
        } finally {
            if (publisher != null) {
                publisher.close();
            }
        }
    }

}
