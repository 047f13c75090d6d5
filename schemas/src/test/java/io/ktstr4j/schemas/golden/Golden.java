package io.ktstr4j.schemas.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ktstr4j.schemas.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Golden-file helpers shared by the round-trip tests. */
final class Golden {
    private Golden() {}

    static final Path GOLDEN = Path.of("src/test/resources/golden");
    static final Path INPUTS = Path.of("src/test/resources/inputs");
    static final String REGENERATE =
            "mvn -o -q -pl schemas test -Dtest=GoldenRoundTripTest -Dktstr.regenerateGolden=true (then review the diff)";

    static String text(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode tree(Path p) {
        return Json.readTree(text(p), p.getFileName().toString());
    }

    /** JSON equality where 84 and 84.0 and 4.56172839E8 and 456172839.0 are the same number. */
    static boolean sameJson(JsonNode a, JsonNode b) {
        Comparator<JsonNode> numbers = (x, y) -> {
            if (x.isNumber() && y.isNumber()) return new BigDecimal(x.asText()).compareTo(new BigDecimal(y.asText()));
            return x.equals(y) ? 0 : 1;
        };
        return a.equals(numbers, b);
    }

    /** A copy without the top-level "schema" field (ktstr's own files have none). */
    static JsonNode withoutSchema(JsonNode n) {
        ObjectNode copy = ((ObjectNode) n).deepCopy();
        copy.remove("schema");
        return copy;
    }
}
