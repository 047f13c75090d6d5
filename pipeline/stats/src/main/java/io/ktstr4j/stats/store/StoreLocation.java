package io.ktstr4j.stats.store;

import io.ktstr4j.schemas.CacheDir;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where results are stored ({@code --results-store PATH|JDBC-URL|none}): an embedded DuckDB file, any JDBC URL (a
 * shared PostgreSQL server), or nowhere.
 */
public sealed interface StoreLocation {

    /** No store: {@code none}. */
    record None() implements StoreLocation {
    }

    /** An embedded DuckDB database file; opened per operation, so several processes share it (docs/stats.md). */
    record DuckDbFile(Path file) implements StoreLocation {
    }

    /** A database server by JDBC URL, e.g. {@code jdbc:postgresql://db:5432/ktstr4j?user=ci&password=...}. */
    record JdbcUrl(String url) implements StoreLocation {
    }

    /** The file name of the default store in the cache folder. */
    String DEFAULT_FILE = "results.duckdb";

    /**
     * The default: {@code $KTSTR4J_CACHE_DIR/results.duckdb}, else {@code ~/.cache/ktstr4j/results.duckdb} (the
     * cache folder, {@link CacheDir}).
     */
    static StoreLocation defaultLocation() {
        return new DuckDbFile(CacheDir.resolve(DEFAULT_FILE));
    }

    /** Parses {@code none}, a JDBC URL ({@code jdbc:duckdb:PATH} is a file), or a path. */
    static StoreLocation parse(String spec) {
        String s = spec.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("--results-store: empty (give a path, a JDBC URL or none)");
        }
        if (s.equals("none")) {
            return new None();
        }
        if (s.startsWith("jdbc:duckdb:")) {
            String p = s.substring("jdbc:duckdb:".length());
            if (p.isEmpty() || p.startsWith(":memory:")) {
                throw new IllegalArgumentException("--results-store " + s + ": an in-memory database keeps nothing; "
                        + "give a file");
            }
            return new DuckDbFile(Path.of(p));
        }
        if (s.startsWith("jdbc:")) {
            return new JdbcUrl(s);
        }
        Path p = Path.of(s);
        if (Files.isDirectory(p)) {
            throw new IllegalArgumentException("--results-store " + s + ": a directory; give a file (e.g. " + p.resolve(
                    DEFAULT_FILE) + ")");
        }
        return new DuckDbFile(p);
    }

    /** How the location is named in messages. */
    default String describe() {
        if (this instanceof DuckDbFile f) {
            return f.file().toString();
        }
        if (this instanceof JdbcUrl u) {
            int q = u.url().indexOf('?');
            return q < 0 ? u.url() : u.url().substring(0, q) + "?..."; // no password in messages
        }
        return "none";
    }
}
