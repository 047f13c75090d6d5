package io.ktstr4j.cli;

import io.ktstr4j.cli.kafka.KafkaClientOptions;
import io.ktstr4j.hoststate.CaptureFiles;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.hoststate.CapturePhase;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code host-state capture}: one capture of this host, to a {@code .hst.zst} file and/or Kafka. */
@Command(name = "capture", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Capture every thread of this host from /proc (schedstat, sched, status, stat, io, comm, "
                + "cgroup) and each thread cgroup's cpu.stat and memory.current, with the host context. Runs "
                + "unprivileged: what cannot be read is 0, as ktstr writes it, and named in the thread's 'missing'.",
                "Writes ktstr's format (zstd JSON): ktstr host-state compare reads it, and ktstr's files read here."})
final class HostStateCaptureCommand implements Callable<Integer> {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final Services services;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE.hst.zst",
            description = "Write the capture here (default without --kafka: <host>-<time>.hst.zst in the working "
                    + "directory).")
    Path output;

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--quiet", description = "Only errors on stderr.")
    boolean quiet;

    HostStateCaptureCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws Exception {
        PrintStream err = services.err();
        HostStateSnapshot s = services.hostCapture().capture(CapturePhase.MANUAL, null);
        Path file = output != null || kafka.enabled() ? output : defaultFile(s);
        if (file != null) {
            long size = CaptureFiles.write(file, s);
            services.out().println(file);
            if (!quiet) {
                err.println(HostStateCaptureCommand.summary(s) + " -> " + file + " (" + size / 1024 + " KiB)");
            }
        }
        if (kafka.enabled()) {
            try (KafkaPublishing pub = KafkaPublishing.start(kafka, err, quiet)) {
                pub.publishRunEvent(RunEvent.standalone(s.eventId(), 0, Instant.now(), s));
                pub.finish();
            }
            if (!quiet && file == null) {
                err.println(summary(s));
            }
        }
        return ExitCodes.OK;
    }

    private static Path defaultFile(HostStateSnapshot s) {
        Instant at = Instant.ofEpochSecond(0, s.capturedAtUnixNs());
        return Path.of(s.hostLabel() + "-" + STAMP.format(at) + CaptureFiles.SUFFIX);
    }

    /** {@code captured 812 threads in 95 ms (3 vanished during the walk, 2436 readings not taken)}. */
    static String summary(HostStateSnapshot s) {
        return String.format(Locale.ROOT, "host-state: captured %d threads of %s in %d ms (%d vanished during the "
                        + "walk, %d readings not taken)", s.threads().size(), s.hostname(),
                s.capture() == null ? 0 : s.capture().durationMs(),
                s.capture() == null ? 0 : s.capture().vanishedThreads(),
                s.capture() == null ? 0 : s.capture().missingReadings());
    }
}
