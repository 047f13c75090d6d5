package io.ktstr4j.hoststate;

import io.ktstr4j.schemas.hoststate.CapturePhase;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * What {@code host-state compare} takes for A and B: a capture file, the capture taken before or after a run
 * ({@code run:<run_id>:before|after}), or a host's capture at a time ({@code host:<name>@<ISO instant>|latest}, from
 * Kafka). Parsed once, with a message naming the bad argument.
 */
public sealed interface CaptureRef {
    /** A {@code .hst.zst} (or JSON) file. */
    record File(Path path) implements CaptureRef {
    }

    /** A run's capture: {@code before} (phase BEFORE_RUN) or {@code after} (AFTER_RUN). */
    record Run(String runId, CapturePhase phase) implements CaptureRef {
        public Run {
            if (phase != CapturePhase.BEFORE_RUN && phase != CapturePhase.AFTER_RUN) {
                throw new IllegalArgumentException("a run's capture is BEFORE_RUN or AFTER_RUN, not " + phase);
            }
        }

        /** {@code before} or {@code after}: the word references and file names use. */
        public String label() {
            return phase == CapturePhase.BEFORE_RUN ? "before" : "after";
        }

        /** The file name a run's capture has next to its results: {@code <run_id>.before.hst.zst}. */
        public String fileName() {
            return runId + "." + label() + CaptureFiles.SUFFIX;
        }

        @Override
        public String toString() {
            return "run:" + runId + ":" + label();
        }
    }

    /** The latest capture of {@code host} taken at or before {@code at} (null: the latest of all). */
    record Host(String host, Instant at) implements CaptureRef {
        @Override
        public String toString() {
            return "host:" + host + "@" + (at == null ? "latest" : at.toString());
        }
    }

    /** Parses an argument; {@code what} names it in errors (e.g. "A"). */
    static CaptureRef parse(String what, String arg) {
        if (arg.startsWith("run:")) {
            int colon = arg.lastIndexOf(':');
            String id = colon > 4 ? arg.substring(4, colon) : "";
            String phase = colon > 4 ? arg.substring(colon + 1).toLowerCase(Locale.ROOT) : "";
            if (id.isBlank() || !(phase.equals("before") || phase.equals("after"))) {
                throw new IllegalArgumentException(what + ": '" + arg + "' is not run:<run_id>:before or "
                        + "run:<run_id>:after");
            }
            return new Run(id, phase.equals("before") ? CapturePhase.BEFORE_RUN : CapturePhase.AFTER_RUN);
        }
        if (arg.startsWith("host:")) {
            int at = arg.lastIndexOf('@');
            String host = at > 5 ? arg.substring(5, at) : "";
            String when = at > 5 ? arg.substring(at + 1) : "";
            if (host.isBlank() || when.isBlank()) {
                throw new IllegalArgumentException(what + ": '" + arg + "' is not host:<name>@<time> (time: an ISO "
                        + "instant like 2026-12-03T12:00:00Z, or latest)");
            }
            if (when.equals("latest")) {
                return new Host(host, null);
            }
            try {
                return new Host(host, Instant.parse(when));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(what + ": '" + when + "' is not an ISO instant like "
                        + "2026-12-03T12:00:00Z (or latest)");
            }
        }
        return new File(Path.of(arg));
    }
}
