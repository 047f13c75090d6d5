package io.ktstr4j.schemas.jsonschema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ktstr4j.schemas.Versioned;
import io.ktstr4j.schemas.WithExtra;
import io.ktstr4j.schemas.event.FailureReport;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.WorkerReports;
import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.plan.ScenarioPlan;
import io.ktstr4j.schemas.report.AssertResult;
import io.ktstr4j.schemas.report.ExitInfo;
import io.ktstr4j.schemas.report.PayloadMetrics;
import io.ktstr4j.schemas.report.Polarity;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.schemas.spec.TestSpec;
import io.ktstr4j.schemas.topology.Topology;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes one JSON Schema (draft 2020-12) per top-level record, derived from the Java records through Jackson's own
 * introspection (so names, order and polymorphism match what {@link Json} reads and writes).
 *
 * <p>Regenerate the checked-in files with
 * {@code mvn -o -q -pl schemas test -Dtest=JsonSchemaFilesTest -Dktstr.regenerateSchemas=true}
 * or run this class's {@code main} with the output directory as argument.
 */
public final class JsonSchemaGenerator {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String DRAFT = "https://json-schema.org/draft/2020-12/schema";

    /** File stem → root record. Versioned documents first, then the guest wire payloads. */
    public static final Map<String, Class<?>> DOCUMENTS;

    static {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        m.put("test_spec", TestSpec.class);
        m.put("scenario_plan", ScenarioPlan.class);
        m.put("run_event", RunEvent.class);
        m.put("sidecar", SidecarResult.class);
        m.put("failure_report", FailureReport.class);
        m.put("host_state", HostStateSnapshot.class);
        m.put("assert_result", AssertResult.class);
        m.put("worker_reports", WorkerReports.class);
        m.put("payload_metrics", PayloadMetrics.class);
        DOCUMENTS = java.util.Collections.unmodifiableMap(m);
    }

    private final ObjectMapper mapper = Json.mapper();
    private final Map<String, ObjectNode> defs = new TreeMap<>();
    private final Deque<Class<?>> pending = new ArrayDeque<>();

    private JsonSchemaGenerator() {}

    /** Every document's schema, by file name ({@code test_spec.schema.json}), as the exact text to check in. */
    public static Map<String, String> generateAll() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Class<?>> e : DOCUMENTS.entrySet())
            out.put(e.getKey() + ".schema.json", Json.writePretty(new JsonSchemaGenerator().document(e.getKey(), e.getValue())));
        return out;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "schemas/src/main/resources/schemas");
        Files.createDirectories(dir);
        for (Map.Entry<String, String> e : generateAll().entrySet()) {
            Files.writeString(dir.resolve(e.getKey()), e.getValue());
            System.out.println("wrote " + dir.resolve(e.getKey()));
        }
    }

    private ObjectNode document(String stem, Class<?> root) {
        ObjectNode doc = F.objectNode();
        doc.put("$schema", DRAFT);
        Versioned v = root.getAnnotation(Versioned.class);
        doc.put("$id", "https://ktstr4j.io/schemas/" + stem + ".schema.json");
        doc.put("title", root.getSimpleName());
        doc.put("description", v != null
                ? "ktstr4j document " + io.ktstr4j.schemas.SchemaIds.of(v) + " (Java record " + root.getName() + ")"
                : "ktstr4j/ktstr wire payload (Java record " + root.getName() + "); not versioned on its own");
        doc.put("$ref", ref(root));
        while (!pending.isEmpty()) {
            Class<?> c = pending.pop();
            String name = defName(c);
            if (defs.get(name) == null) defs.put(name, define(c));
        }
        ObjectNode d = doc.putObject("$defs");
        defs.forEach(d::set);
        return doc;
    }

    private String ref(Class<?> c) {
        String name = defName(c);
        if (!defs.containsKey(name)) {
            defs.put(name, null); // reserve; filled when popped
            pending.push(c);
        }
        return "#/$defs/" + name;
    }

    private static String defName(Class<?> c) {
        return c.getEnclosingClass() != null ? c.getEnclosingClass().getSimpleName() + "." + c.getSimpleName()
                : c.getSimpleName();
    }

    private ObjectNode define(Class<?> c) {
        if (c == Topology.class) return topology();
        if (c == Polarity.class) return polarity();
        if (c == ExitInfo.class) return exitInfo();
        if (c.isEnum()) return enumSchema(c);
        if (c.isInterface() && c.isAnnotationPresent(JsonSubTypes.class)) return polymorphic(c);
        return object(c, null, null);
    }

    /** A record as an object schema; {@code typeProp}/{@code typeName} add the polymorphic discriminator. */
    private ObjectNode object(Class<?> c, String typeProp, String typeName) {
        ObjectNode s = F.objectNode();
        s.put("type", "object");
        ObjectNode props = s.putObject("properties");
        ArrayNode required = F.arrayNode();
        if (typeProp != null) {
            props.putObject(typeProp).put("const", typeName);
            required.add(typeProp);
        }
        Versioned v = c.getAnnotation(Versioned.class);
        if (v != null) {
            props.putObject("schema")
                    .put("type", "string")
                    .put("pattern", "^" + v.name().replace(".", "\\.") + "/" + v.major() + "\\.[0-9]+$")
                    .put("description", "schema id; current " + io.ktstr4j.schemas.SchemaIds.of(v)
                            + (v.ktstrFormat() ? "; absent in ktstr's own files" : "; absent = current version"));
        }
        BeanDescription desc = mapper.getSerializationConfig().introspect(mapper.constructType(c));
        for (BeanPropertyDefinition p : desc.findProperties()) {
            if (!p.couldSerialize() || p.getAccessor() == null) continue;
            if (WithExtra.class.isAssignableFrom(c) && p.getName().equals("extra")) continue;
            JavaType t = p.getPrimaryType();
            props.set(p.getName(), schemaOf(t));
            if (t.isPrimitive()) required.add(p.getName());
        }
        if (!required.isEmpty()) s.set("required", required);
        // Newer minor versions may add fields; readers keep (top level) or skip (nested) them.
        s.put("additionalProperties", true);
        return s;
    }

    private ObjectNode polymorphic(Class<?> c) {
        JsonTypeInfo info = c.getAnnotation(JsonTypeInfo.class);
        ObjectNode s = F.objectNode();
        ArrayNode one = s.putArray("oneOf");
        for (JsonSubTypes.Type t : c.getAnnotation(JsonSubTypes.class).value()) {
            String name = defName(t.value());
            if (!defs.containsKey(name) || defs.get(name) == null) defs.put(name, object(t.value(), info.property(), t.name()));
            one.addObject().put("$ref", "#/$defs/" + name);
        }
        s.put("description", "discriminated by \"" + info.property() + "\"");
        return s;
    }

    private JsonNode schemaOf(JavaType t) {
        return schemaOf(t, true);
    }

    /** {@code nullable}: whether JSON null is allowed (not for list elements and map values, which records reject). */
    private JsonNode schemaOf(JavaType t, boolean nullable) {
        Class<?> raw = t.getRawClass();
        if (!nullable && !raw.isPrimitive()) {
            JsonNode n = schemaOf(t, true);
            if (n.has("anyOf")) return n.get("anyOf").get(0);
            if (n.path("type").isArray()) ((ObjectNode) n).put("type", n.get("type").get(0).asText());
            return n;
        }
        if (raw == int.class || raw == long.class || raw == short.class) return F.objectNode().put("type", "integer");
        if (raw == Integer.class || raw == Long.class || raw == Short.class) return nullable("integer");
        if (raw == double.class || raw == float.class) return F.objectNode().put("type", "number");
        if (raw == Double.class || raw == Float.class) return nullable("number");
        if (raw == boolean.class) return F.objectNode().put("type", "boolean");
        if (raw == Boolean.class) return nullable("boolean");
        if (raw == String.class) return nullable("string");
        if (raw == Instant.class) return F.objectNode().put("type", "string").put("format", "date-time");
        if (raw == Object.class) return F.objectNode();
        if (t.isCollectionLikeType() || Collection.class.isAssignableFrom(raw)) {
            ObjectNode a = F.objectNode();
            a.putArray("type").add("array").add("null");
            a.set("items", schemaOf(t.getContentType(), false));
            return a;
        }
        if (t.isMapLikeType()) {
            ObjectNode m = F.objectNode();
            m.putArray("type").add("object").add("null");
            Class<?> key = t.getKeyType().getRawClass();
            if (key == Integer.class || key == Long.class) m.putObject("propertyNames").put("pattern", "^[0-9]+$");
            m.set("additionalProperties", schemaOf(t.getContentType(), raw == Map.class && t.getContentType().getRawClass() == Object.class));
            return m;
        }
        ObjectNode r = F.objectNode();
        ArrayNode any = r.putArray("anyOf");
        any.addObject().put("$ref", ref(raw));
        any.addObject().put("type", "null");
        return r;
    }

    private static ObjectNode nullable(String type) {
        ObjectNode n = F.objectNode();
        n.putArray("type").add(type).add("null");
        return n;
    }

    private ObjectNode enumSchema(Class<?> c) {
        ObjectNode s = F.objectNode();
        s.put("type", "string");
        ArrayNode values = s.putArray("enum");
        for (Object constant : c.getEnumConstants()) {
            String name = ((Enum<?>) constant).name();
            try {
                Field f = c.getField(name);
                JsonProperty jp = f.getAnnotation(JsonProperty.class);
                values.add(jp != null ? jp.value() : name);
            } catch (NoSuchFieldException e) {
                values.add(name);
            }
        }
        return s;
    }

    private ObjectNode topology() {
        ObjectNode s = F.objectNode();
        ArrayNode one = s.putArray("oneOf");
        one.addObject().put("type", "string").put("pattern", "^[0-9]+n[0-9]+l[0-9]+c[0-9]+t$")
                .put("description", "label {numa}n{llcs}l{cores per llc}c{threads per core}t");
        one.add(object(Topology.class, null, null));
        return s;
    }

    private ObjectNode polarity() {
        ObjectNode s = F.objectNode();
        ArrayNode one = s.putArray("oneOf");
        one.addObject().put("type", "string").putArray("enum").add("HigherBetter").add("LowerBetter").add("Unknown");
        ObjectNode target = one.addObject().put("type", "object");
        target.putObject("properties").putObject("TargetValue").put("type", "number");
        target.putArray("required").add("TargetValue");
        target.put("additionalProperties", false);
        return s;
    }

    private ObjectNode exitInfo() {
        ObjectNode s = F.objectNode();
        s.put("description", "serde external tagging as ktstr writes it");
        ArrayNode one = s.putArray("oneOf");
        one.addObject().put("const", "TimedOut");
        for (String[] k : new String[][]{{"Exited", "integer"}, {"Signaled", "integer"}, {"WaitFailed", "string"}}) {
            ObjectNode o = one.addObject().put("type", "object");
            o.putObject("properties").putObject(k[0]).put("type", k[1]);
            o.putArray("required").add(k[0]);
            o.put("additionalProperties", false);
        }
        return s;
    }
}
