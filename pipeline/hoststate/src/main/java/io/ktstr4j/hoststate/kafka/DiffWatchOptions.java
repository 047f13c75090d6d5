package io.ktstr4j.hoststate.kafka;

import io.ktstr4j.schemas.event.HostStateDelta;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.sink.kafka.KafkaSinkConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * How {@code host-state diff-watch} runs: the cluster and topic prefix, the Kafka Streams application id and state
 * folder, and the comparison that turns two captures of a host into a {@code host.state_delta} (grouping, how many
 * rows, what is ignored and what counts as quiet are the comparison's).
 *
 * @param kafka         cluster, client properties, topic prefix
 * @param applicationId Kafka Streams application id (instances sharing it split the hosts)
 * @param stateDir      this instance's local state (rebuilt from the changelog when lost)
 * @param commitInterval how often progress is committed
 * @param diff          earlier capture, later capture → the delta event's body
 */
public record DiffWatchOptions(KafkaSinkConfig kafka, String applicationId, Path stateDir, Duration commitInterval,
                               BiFunction<HostStateSnapshot, HostStateSnapshot, HostStateDelta> diff) {
    public DiffWatchOptions {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(diff, "diff");
        applicationId = applicationId == null || applicationId.isBlank() ? defaultApplicationId(kafka.topicPrefix())
                : applicationId;
        commitInterval = commitInterval == null ? Duration.ofSeconds(1) : commitInterval;
    }

    /** The default application id: one per topic prefix. */
    public static String defaultApplicationId(String topicPrefix) {
        return topicPrefix + "-hoststate-diff";
    }
}
