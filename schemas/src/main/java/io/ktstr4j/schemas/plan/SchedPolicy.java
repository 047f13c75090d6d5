package io.ktstr4j.schemas.plan;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.ktstr4j.schemas.Validate;

/** Linux scheduling policy of workers (ktstr {@code SchedPolicy}). JSON: {@code {"kind":"fifo","priority":10}}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = SchedPolicy.Normal.class, name = "normal"),
        @JsonSubTypes.Type(value = SchedPolicy.Batch.class, name = "batch"),
        @JsonSubTypes.Type(value = SchedPolicy.Idle.class, name = "idle"),
        @JsonSubTypes.Type(value = SchedPolicy.Fifo.class, name = "fifo"),
        @JsonSubTypes.Type(value = SchedPolicy.RoundRobin.class, name = "round_robin")
})
public sealed interface SchedPolicy {
    int MIN_RT_PRIORITY = 1;
    int MAX_RT_PRIORITY = 99;

    /** SCHED_OTHER (the default). */
    record Normal() implements SchedPolicy {}

    /** SCHED_BATCH. */
    record Batch() implements SchedPolicy {}

    /** SCHED_IDLE. */
    record Idle() implements SchedPolicy {}

    /** SCHED_FIFO with a priority 1..99. */
    record Fifo(int priority) implements SchedPolicy {
        public Fifo {
            Validate.range("priority", priority, MIN_RT_PRIORITY, MAX_RT_PRIORITY);
        }
    }

    /** SCHED_RR with a priority 1..99. */
    record RoundRobin(int priority) implements SchedPolicy {
        public RoundRobin {
            Validate.range("priority", priority, MIN_RT_PRIORITY, MAX_RT_PRIORITY);
        }
    }
}
