package io.ktstr4j.sink.kafka;

import java.nio.file.Path;
import java.util.List;

/**
 * What happened to a run's events. Every event is counted in {@code acked} (the broker acknowledged it live),
 * or {@code spooled} (written to the on-disk spool; {@code replayed} of those were later acknowledged from it), or
 * {@code failed} (neither: only when the spool itself could not be written).
 *
 * @param events    events received from the run
 * @param acked     acknowledged by the broker without going through the spool
 * @param spooled   written to the spool
 * @param replayed  acknowledged by the broker from the spool
 * @param failed    neither acknowledged nor spooled
 * @param records   Kafka records acknowledged (events are batched into records)
 * @param spoolDir  the spool session directory, or null if nothing was spooled
 * @param warnings  damaged spool places skipped, unavailability notices
 */
public record PublishSummary(long events, long acked, long spooled, long replayed, long failed, long records,
                             Path spoolDir, List<String> warnings) {
    public PublishSummary {
        warnings = List.copyOf(warnings);
    }

    /** Events still waiting in the spool for a replay. */
    public long pending() {
        return spooled - replayed;
    }

    /** The one line shown at the end of a run. */
    public String line() {
        String s = String.format("kafka: %d events: %d acked, %d spooled, %d replayed, %d failed", events, acked,
                spooled, replayed, failed);
        if (pending() > 0) {
            s += String.format("; %d still in spool %s (replay: ktstr4j kafka replay --kafka HOST:PORT --kafka-spool %s)",
                    pending(), spoolDir, spoolDir == null ? "" : spoolDir.getParent());
        }
        return s;
    }
}
