package io.ktstr4j.schemas.hoststate;

/**
 * Where a run's host-state captures are (sidecar 1.2): each is a reference {@code ktstr4j host-state compare} takes,
 * a file ({@code …/<run_id>.before.hst.zst}) or a Kafka reference ({@code run:<run_id>:before}). Null where no
 * capture is taken.
 *
 * @param before the capture taken before the run's first variant
 * @param after  the capture taken after its last variant
 */
public record HostStateRefs(String before, String after) {
}
