package io.ktstr4j.cli;

import io.ktstr4j.cli.kafka.KafkaClientOptions;
import io.ktstr4j.hoststate.CaptureFiles;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.hoststate.CapturePhase;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code host-state watch}: captures this host on a schedule, to Kafka (through the same publisher and spool as a
 * run, so a broker outage loses nothing: captures wait in the spool and go out when it is back) and/or to files.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Capture this host every --interval and publish each capture to PREFIX.hoststate (keyed by "
                + "host) and/or write it to --dir. Kafka away: captures go to the spool and are sent when it is "
                + "back. Runs until Ctrl-C or SIGTERM (or --count captures)."},
        footer = {"", "Exit codes: 0 after --count captures, 2 bad options or Kafka refused; stopped by Ctrl-C or "
                + "SIGTERM, the JVM's signal status (130, 143) once what was captured is published or spooled."})
final class HostStateWatchCommand implements Callable<Integer> {

    private final Services services;

    @Option(names = "--interval", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "60s",
            description = "Time between captures, e.g. 60s or 5m (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--dir", paramLabel = "DIR", description = "Also write each capture here as "
            + "<host>-<captured_at_unix_ns>.hst.zst.")
    Path dir;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N captures (default: run until stopped).")
    Long count;

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--quiet", description = "No line per capture.")
    boolean quiet;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    HostStateWatchCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (!kafka.enabled() && dir == null) {
            throw new CommandLine.ParameterException(cl, "host-state watch needs somewhere to put the captures: "
                    + "--kafka HOST:PORT and/or --dir DIR");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new CommandLine.ParameterException(cl, "--interval: must be more than 0, got " + interval);
        }
        if (count != null && count < 1) {
            throw new CommandLine.ParameterException(cl, "--count: must be 1 or more, got " + count);
        }
        if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CommandLine.ParameterException(cl, "--dir: " + dir + " exists and is not a directory");
        }
        PrintStream err = services.err();
        try (KafkaPublishing pub = KafkaPublishing.start(kafka, err, quiet)) {
            err.println("host-state watch: a capture every " + interval.toMillis() / 1000.0 + " s"
                    + (kafka.enabled() ? " to " + kafka.topicPrefix + ".hoststate" : "")
                    + (dir != null ? " and into " + dir : "") + "; Ctrl-C stops");
            long next = System.nanoTime();
            for (long n = 0; count == null || n < count; n++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                // After a stall (a suspended host, SIGSTOP) the schedule goes on from now, without a burst.
                next = Math.max(next + interval.toNanos(), System.nanoTime());
                HostStateSnapshot s = services.hostCapture().capture(CapturePhase.SCHEDULED, null);
                if (dir != null) {
                    Path f = dir.resolve(s.hostLabel() + "-" + s.capturedAtUnixNs() + CaptureFiles.SUFFIX);
                    try {
                        CaptureFiles.write(f, s);
                    } catch (java.io.IOException e) {
                        err.println("host-state watch: WARNING: cannot write " + f + " (the capture still goes to "
                                + "Kafka if asked): " + e.getMessage());
                    }
                }
                pub.publishRunEvent(RunEvent.standalone(s.eventId(), n, Instant.now(), s));
                if (!quiet) {
                    err.println(HostStateCaptureCommand.summary(s));
                }
            }
            pub.finish();
        }
        return ExitCodes.OK;
    }
}
