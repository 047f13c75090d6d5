package io.ktstr4j.regressions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records skipped because they could not be read (not JSON, another schema, a newer major version, a broken split
 * value): counted, each named with its topic, partition and offset in a log line, the first few kept for the summary.
 * A skipped record never stops the reader. Thread-safe (stream threads of one instance share it).
 */
public final class SkippedRecords {
    private static final Logger log = LoggerFactory.getLogger(SkippedRecords.class);
    /** How many skipped records the summary names. */
    static final int NAMED = 5;

    private final String reader;
    private final AtomicLong count = new AtomicLong();
    private final List<String> first = new ArrayList<>();

    /** {@code reader} names the command in the log lines ({@code stats watch}). */
    public SkippedRecords(String reader) {
        this.reader = reader;
    }

    /** Counts one skipped record and logs where it was and why. */
    public void skip(String source, String reason) {
        count.incrementAndGet();
        synchronized (first) {
            if (first.size() < NAMED) {
                first.add(source);
            }
        }
        log.warn("{}: skipped the record at {}: {}", reader, source, reason);
    }

    public long count() {
        return count.get();
    }

    /** The first skipped records, {@code topic-partition@offset}. */
    public List<String> named() {
        synchronized (first) {
            return List.copyOf(first);
        }
    }

    /** {@code 2 records skipped (ktstr4j.results-1@17, ktstr4j.results-4@3)}. */
    public String describe() {
        long n = count();
        List<String> named = named();
        return n + (n == 1 ? " record" : " records") + " skipped" + (named.isEmpty() ? ""
                : " (" + String.join(", ", named) + (n > named.size() ? ", …" : "") + ")");
    }
}
