package io.ktstr4j.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --name value} pairs of a bench's command line; a flag without a value maps to "true". */
final class BenchArgs {
    private BenchArgs() {
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "' (options are --name value)");
            }
            String name = args[i].substring(2);
            boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
            m.put(name, hasValue ? args[++i] : "true");
        }
        return m;
    }
}
