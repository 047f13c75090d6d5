package io.ktstr4j.schemas;

import java.nio.file.Path;
import java.util.Map;

/** ktstr4j's cache folder: {@code $KTSTR4J_CACHE_DIR}, else {@code ~/.cache/ktstr4j}. */
public final class CacheDir {

    /** The variable that moves the cache folder. */
    public static final String ENV = "KTSTR4J_CACHE_DIR";

    private CacheDir() {
    }

    /** The cache folder (not created). */
    public static Path root() {
        String dir = System.getenv(ENV);
        return root(dir == null ? Map.of() : Map.of(ENV, dir)); // the JVM's user.home, as always
    }

    /**
     * The cache folder for the given environment: {@code KTSTR4J_CACHE_DIR}, else {@code $HOME/.cache/ktstr4j} (the
     * JVM's home when {@code HOME} is unset). Tests pass an environment of temp folders.
     */
    public static Path root(Map<String, String> env) {
        String dir = env.get(ENV);
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        String home = env.get("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".cache", "ktstr4j");
    }

    /** {@code name} inside the cache folder. */
    public static Path resolve(String name) {
        return root().resolve(name);
    }
}
