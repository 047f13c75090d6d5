package io.ktstr4j.sink.kafka;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What happened to a run's events. The invariant, at every exit: {@code events = acked + spooled + failed}. Every
 * event is counted once: {@code acked} (the broker acknowledged it live), or {@code spooled} (written to the on-disk
 * spool and fsynced; {@code replayed} of those were later acknowledged from it), or {@code failed} (neither, counted
 * under its reason).
 *
 * @param events    events received from the run
 * @param acked     acknowledged by the broker without going through the spool
 * @param spooled   written to the spool
 * @param replayed  acknowledged by the broker from the spool
 * @param records   Kafka records acknowledged (events are batched into records)
 * @param spoolDir  the spool session directory, or null if nothing was spooled
 * @param warnings  unavailability notices, damaged spool places
 * @param failures  events neither acknowledged nor spooled, by reason
 */
public record PublishSummary(long events, long acked, long spooled, long replayed, long records, Path spoolDir,
                             List<String> warnings, Map<String, Long> failures) {
    public PublishSummary {
        warnings = List.copyOf(warnings);
        failures = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(failures));
    }

    /** Events neither acknowledged nor spooled. */
    public long failed() {
        long n = 0;
        for (long v : failures.values()) {
            n += v;
        }
        return n;
    }

    /** Events still waiting in the spool for a replay. */
    public long pending() {
        return spooled - replayed;
    }

    /** Whether every event is accounted for: {@code events = acked + spooled + failed}. */
    public boolean balanced() {
        return events == acked + spooled + failed();
    }

    /** The one line shown at the end of a run. */
    public String line() {
        String s = String.format(Locale.ROOT, "kafka: %d events produced = %d acked + %d spooled + %d failed"
                + " (%d of the spooled replayed since)", events, acked, spooled, failed(), replayed);
        if (!failures.isEmpty()) {
            s += "; failed: " + failures;
        }
        if (pending() > 0) {
            s += String.format(Locale.ROOT, "; %d still in spool %s (replay: ktstr4j kafka replay --kafka HOST:PORT"
                    + " --kafka-spool %s)", pending(), spoolDir, spoolDir == null ? "" : spoolDir.getParent());
        }
        if (!balanced()) {
            s += "; COUNTS DO NOT ADD UP (a bug: please report it)";
        }
        return s;
    }
}
