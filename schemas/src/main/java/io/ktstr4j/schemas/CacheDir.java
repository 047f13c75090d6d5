package io.ktstr4j.schemas;

import java.nio.file.Path;

/** ktstr4j's cache folder: {@code $KTSTR4J_CACHE_DIR}, else {@code ~/.cache/ktstr4j}. */
public final class CacheDir {

    /** The variable that moves the cache folder. */
    public static final String ENV = "KTSTR4J_CACHE_DIR";

    private CacheDir() {
    }

    /** The cache folder (not created). */
    public static Path root() {
        String env = System.getenv(ENV);
        return env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "ktstr4j");
    }

    /** {@code name} inside the cache folder. */
    public static Path resolve(String name) {
        return root().resolve(name);
    }
}
