package io.ktstr4j.schemas;

/** Schema ids of {@link Versioned} records. */
public final class SchemaIds {
    private SchemaIds() {}

    /** {@code name/major.minor}, e.g. {@code ktstr4j.test_spec/1.0}. */
    public static String of(Versioned v) {
        return v.name() + "/" + v.major() + "." + v.minor();
    }

    /** The schema id of a versioned record class. */
    public static String of(Class<?> type) {
        Versioned v = type.getAnnotation(Versioned.class);
        if (v == null) throw new IllegalArgumentException(type.getName() + " is not a @Versioned document record");
        return of(v);
    }
}
