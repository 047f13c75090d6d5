package io.ktstr4j.schemas.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ktstr4j.schemas.Versioned;
import io.ktstr4j.schemas.WithExtra;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Wraps the deserializer of a {@link Versioned} record: checks and strips {@code "schema"}, decides strict vs lenient
 * reading of unknown fields, then hands the rest to the record's own deserializer.
 */
final class VersionCheckingDeserializer extends DelegatingDeserializer {
    private static final long serialVersionUID = 1L;
    private static final Pattern ID = Pattern.compile("([a-z0-9_.]+)/(\\d+)\\.(\\d+)");

    /** Per-call attribute: Boolean.TRUE while reading a document whose unknown fields are errors. */
    static final Object STRICT = new Object();

    private final Versioned version;

    VersionCheckingDeserializer(JsonDeserializer<?> delegate, Versioned version) {
        super(delegate);
        this.version = version;
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
        return new VersionCheckingDeserializer(newDelegatee, version);
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.START_OBJECT && t != JsonToken.FIELD_NAME && t != JsonToken.END_OBJECT)
            return super.deserialize(p, ctxt); // let the record's deserializer report the type mismatch
        JsonNode read = ctxt.readTree(p);
        if (!(read instanceof ObjectNode tree)) return super.deserialize(p, ctxt);
        JsonNode schema = tree.remove("schema");
        boolean strict;
        if (schema == null || schema.isNull()) {
            strict = !version.ktstrFormat();
        } else {
            strict = checkVersion(p, schema) <= version.minor();
        }
        Object previous = ctxt.getAttribute(STRICT);
        ctxt.setAttribute(STRICT, strict);
        try (JsonParser sub = tree.traverse(p.getCodec())) {
            sub.nextToken();
            Object value = _delegatee.deserialize(sub, ctxt);
            if (strict && value instanceof WithExtra w && !w.extra().isEmpty()) {
                String field = w.extra().keySet().iterator().next();
                MismatchedInputException e = MismatchedInputException.from(p, handledType(), "unknown field (not in "
                        + io.ktstr4j.schemas.SchemaIds.of(version) + "; check the spelling)");
                e.prependPath(new JsonMappingException.Reference(value, field));
                throw e;
            }
            return value;
        } finally {
            ctxt.setAttribute(STRICT, previous);
        }
    }

    /** Returns the document's minor version; throws for a different name, a newer major or a malformed id. */
    private int checkVersion(JsonParser p, JsonNode schema) throws MismatchedInputException {
        String expected = io.ktstr4j.schemas.SchemaIds.of(version);
        Matcher m = schema.isTextual() ? ID.matcher(schema.textValue()) : null;
        if (m == null || !m.matches())
            throw mismatch(p, schema + " is not a schema id; expected \"" + expected + "\"");
        if (!m.group(1).equals(version.name()))
            throw mismatch(p, "'" + schema.textValue() + "' is a different document type; expected \"" + expected + "\"");
        int major = Integer.parseInt(m.group(2));
        int minor = Integer.parseInt(m.group(3));
        if (major > version.major())
            throw mismatch(p, "version " + major + "." + minor + " is newer than this reader supports (" + version.major()
                    + ".x, current " + expected + "); upgrade ktstr4j to read it");
        if (major < version.major())
            throw mismatch(p, "version " + major + "." + minor + " is an old major version this reader no longer reads "
                    + "(current " + expected + ")");
        return minor;
    }

    private MismatchedInputException mismatch(JsonParser p, String msg) {
        MismatchedInputException e = MismatchedInputException.from(p, handledType(), msg);
        e.prependPath(new JsonMappingException.Reference(null, "schema"));
        return e;
    }
}
