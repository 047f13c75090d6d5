package io.ktstr4j.schemas;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a top-level (document) record. Its JSON carries {@code "schema": "<name>/<major>.<minor>"} as the first
 * field. Readers accept any minor version of the same major (unknown fields are kept in the record's
 * {@code extra} map), reject a newer major, and treat a missing {@code schema} field as the current version
 * (so ktstr's own files, which have no such field, can be read).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Versioned {
    /** Schema name, e.g. {@code ktstr4j.test_spec}. */
    String name();

    int major() default 1;

    int minor() default 0;

    /**
     * True for ktstr's own formats (sidecar, host state): a document without {@code schema} is a ktstr file and is
     * read leniently (unknown fields tolerated). Otherwise a document without {@code schema} is read as the current
     * version, strictly (unknown fields are errors, to catch typos).
     */
    boolean ktstrFormat() default false;
}
