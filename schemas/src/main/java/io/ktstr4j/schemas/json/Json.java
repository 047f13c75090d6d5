package io.ktstr4j.schemas.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.ktstr4j.schemas.InvalidFieldException;
import io.ktstr4j.schemas.SchemaException;
import io.ktstr4j.schemas.Versioned;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON codec every module uses: snake_case names, ISO 8601 instants, {@code "schema"} version checks, and errors
 * that name the source, the JSON path and what was expected ({@link SchemaException}).
 *
 * <p>{@link #mapper()} is thread-safe and shared; use it directly for Kafka serdes. The {@code read*} methods add
 * the error translation; {@code .yaml}/{@code .yml} files are read as YAML with the same rules.
 */
public final class Json {
    private Json() {}

    private static final ObjectMapper JSON = configure(JsonMapper.builder()).build();
    private static final ObjectMapper YAML = configure(YAMLMapper.builder()).build();
    /**
     * Writing only: the same configuration plus Blackbird, which replaces the reflective getter calls (and the boxing
     * of every {@code long}) with generated accessors; the JSON is the same. Reading stays on {@link #JSON}, whose
     * error messages the translation below is written against.
     */
    private static final ObjectMapper JSON_OUT = configure(JsonMapper.builder())
            .addModule(new com.fasterxml.jackson.module.blackbird.BlackbirdModule()).build();
    private static final ObjectWriter WRITER = JSON_OUT.writer();

    /** The configured JSON mapper (shared, thread-safe; do not reconfigure). */
    public static ObjectMapper mapper() {
        return JSON;
    }

    /** The same configuration for YAML input. */
    public static ObjectMapper yamlMapper() {
        return YAML;
    }

    private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B configure(B b) {
        SimpleModule module = new SimpleModule("ktstr4j");
        module.addSerializer(Instant.class, new InstantSerializer());
        module.addDeserializer(Instant.class, new InstantDeserializer());
        module.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription desc,
                                                          JsonDeserializer<?> deserializer) {
                Versioned v = desc.getBeanClass().getAnnotation(Versioned.class);
                return v == null ? deserializer : new VersionCheckingDeserializer(deserializer, v);
            }
        });
        return b.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .addModule(module)
                .addHandler(new StrictUnknownFields())
                // Tolerate unknown fields from newer minor versions; StrictUnknownFields rejects them otherwise.
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // A missing non-optional number/boolean is an error, as in ktstr's serde readers.
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    }

    // ---- reading -------------------------------------------------------------------------------------------------

    /** Reads a file (JSON, or YAML for {@code .yaml}/{@code .yml}); errors name the file. */
    public static <T> T read(Path file, Class<T> type) {
        String source = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new SchemaException(file.toString(), "", "cannot read file: " + e, e);
        }
        ObjectMapper m = isYaml(file) ? YAML : JSON;
        try {
            return m.readValue(bytes, type);
        } catch (IOException | RuntimeException e) {
            throw translate(e, source);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        return read(json, type, null);
    }

    /** Reads JSON text; {@code source} labels errors (a file name, topic/partition/offset, …) and may be null. */
    public static <T> T read(String json, Class<T> type, String source) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException | RuntimeException e) {
            throw translate(e, source);
        }
    }

    public static <T> T read(byte[] json, Class<T> type, String source) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException | RuntimeException e) {
            throw translate(e, source);
        }
    }

    public static <T> T read(InputStream json, Class<T> type, String source) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException | RuntimeException e) {
            throw translate(e, source);
        }
    }

    /** Converts a tree (e.g. a sub-document) into a record with the same checks. */
    public static <T> T convert(JsonNode tree, Class<T> type, String source) {
        try (JsonParser p = JSON.treeAsTokens(tree)) {
            return JSON.readValue(p, type);
        } catch (IOException | RuntimeException e) {
            throw translate(e, source);
        }
    }

    public static JsonNode readTree(String json, String source) {
        try {
            return JSON.readTree(json);
        } catch (IOException | RuntimeException e) {
            throw translate(e, source);
        }
    }

    // ---- writing -------------------------------------------------------------------------------------------------

    /**
     * A writer for {@code type} with the writing configuration (its serializer looked up once, not per value): for hot
     * paths that write one type many times.
     */
    public static ObjectWriter writerFor(Class<?> type) {
        return JSON_OUT.writerFor(type);
    }

    /** Compact JSON. */
    public static String write(Object value) {
        try {
            return WRITER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getName() + ": " + e.getOriginalMessage(), e);
        }
    }

    public static byte[] writeBytes(Object value) {
        try {
            return WRITER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Indented JSON with a trailing newline (the form of checked-in and sidecar files). */
    public static String writePretty(Object value) {
        try {
            return WRITER.withDefaultPrettyPrinter().writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Writes pretty JSON atomically (temp file + rename in the same directory). */
    public static void write(Path file, Object value) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, writePretty(value));
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public static JsonNode toTree(Object value) {
        return JSON.valueToTree(value);
    }

    // ---- errors --------------------------------------------------------------------------------------------------

    private static final Pattern KNOWN_IDS = Pattern.compile("known type ids = (\\[[^\\]]*\\])");
    private static final Pattern ENUM_VALUES = Pattern.compile("accepted for Enum class: (\\[[^\\]]*\\])");

    /** Turns any exception from reading into a {@link SchemaException} with source, path and expectation. */
    public static SchemaException translate(Throwable e, String source) {
        if (e instanceof SchemaException se) return se;
        if (e instanceof InvalidFieldException fe) return new SchemaException(source, fe.field(), fe.problem(), fe);
        if (e instanceof JsonMappingException jme) {
            String path = JsonPaths.of(jme.getPath());
            InvalidFieldException fe = findCause(jme, InvalidFieldException.class);
            if (fe != null) return new SchemaException(source, JsonPaths.join(path, fe.field()), fe.problem(), e);
            return new SchemaException(source, path, problem(jme), e);
        }
        if (e instanceof JsonProcessingException jpe) {
            JsonLocation loc = jpe.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            String msg = jpe.getOriginalMessage();
            int cut = msg.indexOf('\n');
            if (cut > 0) msg = msg.substring(0, cut);
            return new SchemaException(source, "", "malformed input" + where + ": " + msg, e);
        }
        if (e instanceof IOException io) return new SchemaException(source, "", "cannot read input: " + io.getMessage(), e);
        return new SchemaException(source, "", String.valueOf(e.getMessage()), e);
    }

    private static String problem(JsonMappingException e) {
        String orig = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (e instanceof InvalidTypeIdException t) {
            String ids = t.getBaseType() == null ? known(orig) : typeIds(t.getBaseType().getRawClass(), orig);
            if (t.getTypeId() == null) {
                Matcher m = Pattern.compile("missing type id property '([^']+)'").matcher(orig);
                return "missing '" + (m.find() ? m.group(1) : "type") + "' field; expected one of " + ids;
            }
            return "unknown type '" + t.getTypeId() + "'; expected one of " + ids;
        }
        if (e instanceof UnrecognizedPropertyException u) return "unknown field (check the spelling)";
        if (e instanceof InvalidFormatException f) {
            if (f.getTargetType() != null && f.getTargetType().isEnum())
                return quote(f.getValue()) + " is not " + describe(f.getTargetType());
            Matcher m = ENUM_VALUES.matcher(orig);
            if (m.find()) return quote(f.getValue()) + " is not one of " + m.group(1);
            return quote(f.getValue()) + " is not " + describe(f.getTargetType());
        }
        if (e instanceof ValueInstantiationException) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            return String.valueOf(c.getMessage());
        }
        if (e instanceof MismatchedInputException m) {
            if (orig.startsWith("Cannot map `null` into type"))
                return "is required (expected " + describe(m.getTargetType()) + ")";
            if (m.getTargetType() != null && (orig.startsWith("Cannot deserialize") || orig.startsWith("Cannot coerce")))
                return "expected " + describe(m.getTargetType()) + found(orig);
            return firstLine(orig);
        }
        return firstLine(orig);
    }

    private static final Pattern FOUND = Pattern.compile(
            "(String|Integer|Floating-point|Boolean|Array|Object|Null)(?: value)? \\(?\"?([^\")]*)\"?\\)?");

    private static String found(String orig) {
        // Jackson says e.g. `from String "abc"`, `Cannot coerce String value ("abc")` or `from Array value (token …)`.
        int from = Math.max(orig.indexOf(" from "), orig.indexOf("coerce "));
        if (from < 0) return "";
        Matcher m = FOUND.matcher(orig.substring(from));
        if (!m.find()) return "";
        String kind = m.group(1).toLowerCase(java.util.Locale.ROOT);
        String value = m.group(2);
        if ((kind.equals("string") || kind.equals("integer") || kind.equals("floating-point") || kind.equals("boolean"))
                && value != null && !value.isEmpty() && !value.startsWith("token"))
            return ", got " + (kind.equals("string") ? "'" + value + "'" : value);
        return ", got " + (kind.equals("array") ? "a list" : kind.equals("object") ? "an object" : article(kind) + " " + kind);
    }

    private static String typeIds(Class<?> base, String orig) {
        com.fasterxml.jackson.annotation.JsonSubTypes st = base.getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class);
        if (st == null) return known(orig);
        java.util.List<String> names = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.annotation.JsonSubTypes.Type t : st.value()) names.add(t.name());
        return names.toString();
    }

    private static String known(String orig) {
        Matcher m = KNOWN_IDS.matcher(orig);
        return m.find() ? m.group(1) : "the documented type names";
    }

    private static String describe(Class<?> t) {
        if (t == null) return "a value of the right type";
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class || t == short.class)
            return "an integer";
        if (t == double.class || t == Double.class || t == float.class || t == Float.class) return "a number";
        if (t == boolean.class || t == Boolean.class) return "true or false";
        if (t == String.class) return "a string";
        if (t == Instant.class) return "an ISO 8601 instant like 2026-01-01T00:00:00Z";
        if (t.isEnum()) {
            StringBuilder sb = new StringBuilder("one of [");
            Object[] cs = t.getEnumConstants();
            for (int i = 0; i < cs.length; i++) sb.append(i == 0 ? "" : ", ").append(JSON.convertValue(cs[i], String.class));
            return sb.append(']').toString();
        }
        if (Collection.class.isAssignableFrom(t) || t.isArray()) return "a list";
        if (Map.class.isAssignableFrom(t)) return "an object (map)";
        return "an object (" + t.getSimpleName() + ")";
    }

    private static String quote(Object v) {
        return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
    }

    private static String article(String word) {
        return "aeiou".indexOf(word.isEmpty() ? 'x' : word.charAt(0)) >= 0 ? "an" : "a";
    }

    private static String firstLine(String s) {
        int cut = s.indexOf('\n');
        return cut > 0 ? s.substring(0, cut) : s;
    }

    private static <X extends Throwable> X findCause(Throwable e, Class<X> type) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (type.isInstance(c)) return type.cast(c);
            if (c.getCause() == c) break;
        }
        return null;
    }

    private static boolean isYaml(Path file) {
        String n = String.valueOf(file.getFileName()).toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** Rejects unknown fields while reading a document whose version is not newer than ours. */
    private static final class StrictUnknownFields extends DeserializationProblemHandler {
        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deser,
                                             Object beanOrClass, String propertyName) throws IOException {
            if (Boolean.TRUE.equals(ctxt.getAttribute(VersionCheckingDeserializer.STRICT))) {
                Class<?> c = beanOrClass instanceof Class<?> k ? k : beanOrClass == null ? null : beanOrClass.getClass();
                throw UnrecognizedPropertyException.from(p, beanOrClass, propertyName,
                        deser == null ? null : deser.getKnownPropertyNames());
            }
            return false; // fall through to FAIL_ON_UNKNOWN_PROPERTIES (disabled): skip the value
        }
    }

    private static final class InstantSerializer extends JsonSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeString(value.toString());
        }
    }

    private static final class InstantDeserializer extends JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING)
                return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            try {
                return Instant.parse(p.getText());
            } catch (DateTimeParseException e) {
                return (Instant) ctxt.handleWeirdStringValue(Instant.class, p.getText(),
                        "not an ISO 8601 instant like 2026-01-01T00:00:00Z");
            }
        }
    }
}
