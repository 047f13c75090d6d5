package io.ktstr4j.schemas.json;

import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.List;

/** Turns Jackson's reference chain into {@code steps[1].ops[0].cpuset.start_frac}. */
final class JsonPaths {
    private JsonPaths() {}

    static String of(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) sb.append('.');
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** Joins a record path and a field path relative to it. */
    static String join(String base, String rel) {
        if (rel == null || rel.isEmpty()) return base;
        if (base.isEmpty()) return rel;
        return rel.startsWith("[") ? base + rel : base + "." + rel;
    }
}
