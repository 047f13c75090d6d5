package io.ktstr4j.schemas;

/**
 * Input that does not match a schema. The message always has the form
 * {@code <source>: <json path>: <what was wrong / expected>}, e.g.
 * {@code plan.json: steps[1].ops[0].cpuset.start_frac: 1.5 is outside [0, 1]}.
 * The source is omitted when the input did not come from a named file or stream.
 */
public class SchemaException extends RuntimeException {
    private final String source;
    private final String path;
    private final String problem;

    public SchemaException(String source, String path, String problem, Throwable cause) {
        super(format(source, path, problem), cause);
        this.source = source;
        this.path = path;
        this.problem = problem;
    }

    public SchemaException(String source, String path, String problem) {
        this(source, path, problem, null);
    }

    private static String format(String source, String path, String problem) {
        StringBuilder sb = new StringBuilder();
        if (source != null && !source.isEmpty()) sb.append(source).append(": ");
        if (path != null && !path.isEmpty()) sb.append(path).append(": ");
        return sb.append(problem).toString();
    }

    /** File name or stream label the input came from, or null. */
    public String source() { return source; }

    /** JSON path in dotted/indexed notation ({@code steps[1].ops[0].cpuset.start_frac}); empty for the document root. */
    public String path() { return path; }

    /** What was wrong and what was expected, without source and path. */
    public String problem() { return problem; }
}
