package io.ktstr4j.stats;

import com.fasterxml.jackson.databind.JsonNode;
import io.ktstr4j.schemas.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a {@code --policy FILE}: {@code {"default_percent": 10, "per_metric_percent": {"worst_spread": 15}}}, both
 * optional. Anything else, a percent that is not a number from 0 up, is refused naming the file and the field.
 * Metric names are checked by the caller, which knows the pool's payload metrics.
 */
public final class PolicyFile {

    private PolicyFile() {
    }

    public static ComparisonPolicy read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new StatsInputException("--policy " + file + ": cannot read: " + e.getMessage(), e);
        }
        JsonNode root;
        try {
            root = Json.readTree(text, file.toString());
        } catch (RuntimeException e) {
            throw new StatsInputException("--policy " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new StatsInputException("--policy " + file + ": expected a JSON object {default_percent, "
                    + "per_metric_percent}");
        }
        Double def = null;
        Map<String, Double> per = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            switch (f.getKey()) {
                case "default_percent" -> def = percent(file, "default_percent", f.getValue());
                case "per_metric_percent" -> {
                    if (!f.getValue().isObject()) {
                        throw new StatsInputException("--policy " + file + ": per_metric_percent: expected an object "
                                + "{metric: percent}");
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> m = f.getValue().fields(); m.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = m.next();
                        per.put(e.getKey(), percent(file, "per_metric_percent." + e.getKey(), e.getValue()));
                    }
                }
                default -> throw new StatsInputException("--policy " + file + ": " + f.getKey()
                        + ": unknown field (expected default_percent, per_metric_percent)");
            }
        }
        return new ComparisonPolicy(def, per);
    }

    private static double percent(Path file, String field, JsonNode n) {
        if (n.isNull()) {
            throw new StatsInputException("--policy " + file + ": " + field + ": null is not a percent");
        }
        if (!n.isNumber() || !(n.doubleValue() >= 0) || Double.isInfinite(n.doubleValue())) {
            throw new StatsInputException("--policy " + file + ": " + field + ": " + n
                    + " is not a percent (a number from 0 up)");
        }
        return n.doubleValue();
    }
}
