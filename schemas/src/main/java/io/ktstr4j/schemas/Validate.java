package io.ktstr4j.schemas;

import java.util.List;
import java.util.Map;

/** Small validation helpers for record compact constructors; every failure names the JSON field. */
public final class Validate {
    private Validate() {}

    public static <T> T required(String field, T value) {
        if (value == null) throw new InvalidFieldException(field, "is required");
        return value;
    }

    public static String nonBlank(String field, String value) {
        if (value == null) throw new InvalidFieldException(field, "is required");
        if (value.isBlank()) throw new InvalidFieldException(field, "must not be empty");
        return value;
    }

    public static long atLeast(String field, long value, long min) {
        if (value < min) throw new InvalidFieldException(field, value + " is below the minimum " + min);
        return value;
    }

    public static long range(String field, long value, long min, long max) {
        if (value < min || value > max)
            throw new InvalidFieldException(field, value + " is outside [" + min + ", " + max + "]");
        return value;
    }

    public static double range(String field, double value, double min, double max) {
        if (Double.isNaN(value) || value < min || value > max)
            throw new InvalidFieldException(field, num(value) + " is outside [" + num(min) + ", " + num(max) + "]");
        return value;
    }

    public static double nonNegative(String field, double value) {
        if (Double.isNaN(value) || value < 0) throw new InvalidFieldException(field, num(value) + " must be >= 0");
        return value;
    }

    public static long nonNegative(String field, long value) {
        if (value < 0) throw new InvalidFieldException(field, value + " must be >= 0");
        return value;
    }

    public static double positive(String field, double value) {
        if (Double.isNaN(value) || value <= 0) throw new InvalidFieldException(field, num(value) + " must be > 0");
        return value;
    }

    /** Null becomes an empty immutable list; elements must not be null. */
    public static <T> List<T> list(String field, List<T> value) {
        if (value == null) return List.of();
        for (int i = 0; i < value.size(); i++)
            if (value.get(i) == null) throw new InvalidFieldException(field + "[" + i + "]", "must not be null");
        return List.copyOf(value);
    }

    /** Null stays null (an optional list); otherwise an immutable copy. */
    public static <T> List<T> optionalList(String field, List<T> value) {
        return value == null ? null : list(field, value);
    }

    /** Null becomes an empty map; keeps insertion order (callers pass sorted maps where order matters). */
    public static <K, V> Map<K, V> map(Map<K, V> value) {
        if (value == null) return Map.of();
        return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(value));
    }

    /** Formats 1.0 as "1" and 1.5 as "1.5", the way people write bounds. */
    public static String num(double v) {
        if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }
}
