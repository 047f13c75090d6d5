package io.ktstr4j.stats.store;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Retries an operation while another process holds the DuckDB file: DuckDB lets one process at a time open a file for
 * writing (and none read while it does), and says so at once ("Could not set lock on file"). Each try opens, works and
 * closes, so holders change in milliseconds; the backoff grows from 10 ms to 400 ms with jitter, so waiting processes
 * do not retry in step, until the deadline.
 */
final class LockRetry {

    /** A unit of work on a connection that may fail with a lock conflict. */
    interface Work<T> {
        T run() throws SQLException;
    }

    private final Duration deadline;

    LockRetry(Duration deadline) {
        this.deadline = deadline;
    }

    <T> T run(String what, Work<T> work) throws SQLException {
        long end = System.nanoTime() + deadline.toNanos();
        long backoffMs = 10;
        int tries = 0;
        while (true) {
            tries++;
            try {
                return work.run();
            } catch (SQLException e) {
                if (!isLockConflict(e) || System.nanoTime() > end) {
                    if (isLockConflict(e)) {
                        throw new SQLException(what + ": the store stayed locked by another process for "
                                + deadline.toSeconds() + " s (" + tries + " tries): " + e.getMessage(), e);
                    }
                    throw e;
                }
            }
            long sleep = backoffMs / 2 + ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1);
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new SQLException(what + ": interrupted while waiting for the store's lock", ie);
            }
            backoffMs = Math.min(400, backoffMs * 2);
        }
    }

    /** DuckDB's message when another process has the file. */
    static boolean isLockConflict(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("Could not set lock on file") || m.contains("Conflicting lock is held"))) {
                return true;
            }
        }
        return false;
    }
}
