package io.ktstr4j.schemas;

/**
 * Thrown by record constructors when one field breaks a rule. {@code field} is the JSON (snake_case) path of the
 * field relative to the record, so the codec can prefix the record's own path when the record came from JSON.
 */
public class InvalidFieldException extends IllegalArgumentException {
    private final String field;
    private final String problem;

    public InvalidFieldException(String field, String problem) {
        super(field == null || field.isEmpty() ? problem : field + ": " + problem);
        this.field = field == null ? "" : field;
        this.problem = problem;
    }

    /** Relative JSON path of the offending field (may contain dots and indexes), or "" for the record as a whole. */
    public String field() { return field; }

    public String problem() { return problem; }

    /** The same problem, one level deeper: {@code nested("cpuset")} turns "start_frac" into "cpuset.start_frac". */
    public InvalidFieldException under(String parent) {
        String f = field.isEmpty() ? parent : (field.startsWith("[") ? parent + field : parent + "." + field);
        return new InvalidFieldException(f, problem);
    }
}
