package io.ktstr4j.schemas.jsonschema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ktstr4j.schemas.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The checked-in JSON Schema files must match what the Java records generate. */
class JsonSchemaFilesTest {
    static final Path DIR = Path.of("src/main/resources/schemas");
    static final String REGENERATE =
            "mvn -o -q -pl schemas test -Dtest=JsonSchemaFilesTest -Dktstr.regenerateSchemas=true";

    @Test
    void checkedInSchemasMatchTheRecords() throws IOException {
        Map<String, String> generated = JsonSchemaGenerator.generateAll();
        if (Boolean.getBoolean("ktstr.regenerateSchemas")) {
            Files.createDirectories(DIR);
            try (Stream<Path> old = Files.list(DIR)) {
                for (Path p : old.toList()) if (p.toString().endsWith(".schema.json")) Files.delete(p);
            }
            for (Map.Entry<String, String> e : generated.entrySet()) Files.writeString(DIR.resolve(e.getKey()), e.getValue());
        }
        try (Stream<Path> files = Files.list(DIR)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".schema.json")))
                    .as("schema files in %s (regenerate with: %s)", DIR, REGENERATE)
                    .containsExactlyInAnyOrderElementsOf(generated.keySet());
        }
        for (Map.Entry<String, String> e : generated.entrySet()) {
            String onDisk = Files.readString(DIR.resolve(e.getKey()));
            assertThat(onDisk)
                    .as("%s is out of date with the Java records; regenerate with: %s", DIR.resolve(e.getKey()), REGENERATE)
                    .isEqualTo(e.getValue());
        }
    }

    @Test
    void everySchemaIsDraft2020WithResolvableRefs() {
        for (Map.Entry<String, String> e : JsonSchemaGenerator.generateAll().entrySet()) {
            JsonNode doc = Json.readTree(e.getValue(), e.getKey());
            assertThat(doc.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
            JsonNode defs = doc.path("$defs");
            doc.findValues("$ref").forEach(r -> {
                String name = r.asText().substring("#/$defs/".length());
                assertThat(defs.has(name)).as("%s: $ref %s resolves", e.getKey(), r.asText()).isTrue();
            });
        }
    }

    @Test
    void versionedDocumentsDeclareTheirSchemaField() {
        JsonNode spec = Json.readTree(JsonSchemaGenerator.generateAll().get("test_spec.schema.json"), "test_spec");
        JsonNode props = spec.path("$defs").path("TestSpec").path("properties");
        assertThat(props.path("schema").path("pattern").asText()).isEqualTo("^ktstr4j\\.test_spec/1\\.[0-9]+$");
        assertThat(props.has("assert")).isTrue();
        assertThat(props.has("extra")).isFalse();
        JsonNode ops = spec.path("$defs").path("Op").path("oneOf");
        assertThat(ops).hasSize(13);
        JsonNode work = spec.path("$defs").path("WorkType").path("oneOf");
        assertThat(work).hasSize(19);
    }
}
