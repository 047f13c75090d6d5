package io.ktstr4j.stats;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What results are split and paired by: ktstr's eight dimensions ({@code kernel} .. {@code flags}) plus {@code run},
 * {@code backend} and {@code date}. In a comparison the dimensions whose filters differ between the sides slice
 * (the sides differ there by design); every other dimension that {@link #pairs()} joins the test name in the pairing
 * key. {@code run} and {@code date} tell trials apart rather than variants, so they never pair: the trials of one
 * variant from several runs average together.
 */
public enum Dimension {
    KERNEL("kernel", true),
    SCHEDULER("scheduler", true),
    TOPOLOGY("topology", true),
    WORK_TYPE("work_type", true),
    PROJECT_COMMIT("project_commit", true),
    KERNEL_COMMIT("kernel_commit", true),
    RUN_SOURCE("run_source", true),
    FLAGS("flags", true),
    RUN("run", false),
    /** Part of the pairing key unless it slices: a TCG result is never compared with a KVM one unasked. */
    BACKEND("backend", true),
    /** The UTC day of the result's timestamp ({@code 2026-12-03}); a filter value matches as a prefix. */
    DATE("date", false);

    /** How a dimension's absent value is written and filtered. */
    public static final String ABSENT = "-";

    private final String key;
    private final boolean pairs;

    Dimension(String key, boolean pairs) {
        this.key = key;
        this.pairs = pairs;
    }

    /** The name on the command line and in JSON. */
    public String key() {
        return key;
    }

    /** Whether the dimension is part of the pairing key when it does not slice. */
    public boolean pairs() {
        return pairs;
    }

    /** A commit dimension: {@code -dirty} and clean trees of one commit pair together and mark {@code +mixed}. */
    public boolean isCommit() {
        return this == PROJECT_COMMIT || this == KERNEL_COMMIT;
    }

    /** The dimension named {@code key} ({@code work-type} and {@code work_type} alike); null if none. */
    public static Dimension byKey(String key) {
        String k = key.strip().toLowerCase(Locale.ROOT).replace('-', '_');
        for (Dimension d : values()) {
            if (d.key.equals(k)) {
                return d;
            }
        }
        return null;
    }

    /** The keys, for messages: {@code kernel, scheduler, ...}. */
    public static String keys() {
        return Arrays.stream(values()).map(Dimension::key).collect(Collectors.joining(", "));
    }
}
