package io.ktstr4j.pipeline;

import java.util.List;

/** The canned scenarios the CLI can run by name (the scenario engine's library). */
public interface ScenarioCatalog {

    /** Names, sorted. */
    List<String> names();

    /** One-line description of a scenario, or "" when it has none. */
    default String describe(String name) {
        return "";
    }

    ScenarioCatalog EMPTY = List::of;
}
