package io.ktstr4j.schemas;

import java.util.Map;

/** A top-level record that keeps fields it does not know (from a newer minor version) and writes them back. */
public interface WithExtra {
    Map<String, Object> extra();
}
