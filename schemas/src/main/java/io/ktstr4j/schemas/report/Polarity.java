package io.ktstr4j.schemas.report;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * Which direction of a metric is better (ktstr {@code Polarity}). JSON: {@code "HigherBetter"},
 * {@code "LowerBetter"}, {@code "Unknown"} or {@code {"TargetValue": 42.0}}.
 *
 * @param kind   the direction
 * @param target the target for {@link Kind#TARGET_VALUE}, else null
 */
public record Polarity(Kind kind, Double target) {
    public enum Kind { HIGHER_BETTER, LOWER_BETTER, TARGET_VALUE, UNKNOWN }

    public static final Polarity HIGHER_BETTER = new Polarity(Kind.HIGHER_BETTER, null);
    public static final Polarity LOWER_BETTER = new Polarity(Kind.LOWER_BETTER, null);
    public static final Polarity UNKNOWN = new Polarity(Kind.UNKNOWN, null);

    public Polarity {
        if (kind == null) throw new io.ktstr4j.schemas.InvalidFieldException("", "polarity is required");
        if (kind == Kind.TARGET_VALUE && target == null)
            throw new io.ktstr4j.schemas.InvalidFieldException("TargetValue", "needs a number");
        if (kind != Kind.TARGET_VALUE) target = null;
    }

    public static Polarity target(double value) {
        return new Polarity(Kind.TARGET_VALUE, value);
    }

    @JsonValue
    JsonNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (kind) {
            case HIGHER_BETTER -> f.textNode("HigherBetter");
            case LOWER_BETTER -> f.textNode("LowerBetter");
            case UNKNOWN -> f.textNode("Unknown");
            case TARGET_VALUE -> f.objectNode().put("TargetValue", target);
        };
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Polarity fromJson(JsonNode n) {
        if (n.isTextual()) {
            switch (n.textValue()) {
                case "HigherBetter": return HIGHER_BETTER;
                case "LowerBetter": return LOWER_BETTER;
                case "Unknown": return UNKNOWN;
                default: break;
            }
        } else if (n.isObject() && n.size() == 1 && n.has("TargetValue") && n.get("TargetValue").isNumber()) {
            return target(n.get("TargetValue").doubleValue());
        }
        throw new io.ktstr4j.schemas.InvalidFieldException("", n + " is not a polarity; expected \"HigherBetter\", "
                + "\"LowerBetter\", \"Unknown\" or {\"TargetValue\": number}");
    }
}
