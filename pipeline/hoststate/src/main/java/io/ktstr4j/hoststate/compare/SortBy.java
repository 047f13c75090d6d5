package io.ktstr4j.hoststate.compare;

import io.ktstr4j.schemas.hoststate.DeltaRow;
import java.util.Comparator;
import java.util.Locale;

/**
 * The order of the numeric rows. Either way rows without a delta (a side unread) come last, and ties go by group key,
 * then metric order.
 */
public enum SortBy {
    /** Largest absolute change first (issue 18). */
    DELTA,
    /**
     * ktstr's order: largest |percent| first; a row with a zero baseline (no percent) ranks by |delta| x 1e9, so any
     * change from zero outranks every percentage.
     */
    PERCENT;

    /** The rows' order. */
    public Comparator<DeltaRow> order() {
        Comparator<DeltaRow> byKey = Comparator.comparingDouble(this::key).reversed();
        return byKey.thenComparing(DeltaRow::group)
                .thenComparing(r -> HostMetric.of(r.metric()));
    }

    private double key(DeltaRow r) {
        if (r.delta() == null) {
            return Double.NEGATIVE_INFINITY;
        }
        return switch (this) {
            case DELTA -> Math.abs(r.delta());
            // ktstr ranks by the fraction, not the percentage: keep its scale against the 1e9 factor.
            case PERCENT -> r.percent() != null ? Math.abs(r.percent() / 100) : Math.abs(r.delta()) * 1e9;
        };
    }

    /** The name on the command line and in JSON: {@code delta} or {@code percent}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value of a label; IllegalArgumentException listing the choices otherwise. */
    public static SortBy of(String label) {
        for (SortBy s : values()) {
            if (s.label().equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("sort by '" + label + "': expected delta or percent");
    }
}
