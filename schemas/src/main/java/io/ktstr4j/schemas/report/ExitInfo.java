package io.ktstr4j.schemas.report;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/**
 * How a worker process ended (ktstr {@code WorkerExitInfo}). JSON uses serde's external tagging so ktstr's
 * guest output reads unchanged: {@code {"Exited":0}}, {@code {"Signaled":9}}, {@code "TimedOut"},
 * {@code {"WaitFailed":"ECHILD"}}.
 */
@JsonSerialize(using = ExitInfoCodec.Ser.class)
@JsonDeserialize(using = ExitInfoCodec.De.class)
public sealed interface ExitInfo {
    record Exited(int code) implements ExitInfo {}

    record Signaled(int signal) implements ExitInfo {}

    record TimedOut() implements ExitInfo {}

    record WaitFailed(String error) implements ExitInfo {}
}
