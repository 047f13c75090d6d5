package io.ktstr4j.schemas.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/** serde external tagging for {@link ExitInfo}. */
final class ExitInfoCodec {
    private ExitInfoCodec() {}

    static final class Ser extends JsonSerializer<ExitInfo> {
        @Override
        public void serialize(ExitInfo v, JsonGenerator g, SerializerProvider p) throws IOException {
            if (v instanceof ExitInfo.TimedOut) {
                g.writeString("TimedOut");
                return;
            }
            g.writeStartObject();
            if (v instanceof ExitInfo.Exited e) g.writeNumberField("Exited", e.code());
            else if (v instanceof ExitInfo.Signaled s) g.writeNumberField("Signaled", s.signal());
            else if (v instanceof ExitInfo.WaitFailed w) g.writeStringField("WaitFailed", w.error());
            g.writeEndObject();
        }
    }

    static final class De extends JsonDeserializer<ExitInfo> {
        private static final String EXPECTED =
                "expected \"TimedOut\", {\"Exited\": code}, {\"Signaled\": signal} or {\"WaitFailed\": message}";

        @Override
        public ExitInfo deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                if ("TimedOut".equals(p.getText())) return new ExitInfo.TimedOut();
                return ctxt.reportInputMismatch(ExitInfo.class, "'%s' is not an exit info; %s", p.getText(), EXPECTED);
            }
            JsonNode n = ctxt.readTree(p);
            if (n != null && n.isObject() && n.size() == 1) {
                Iterator<Map.Entry<String, JsonNode>> it = n.fields();
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                switch (e.getKey()) {
                    case "Exited":
                        if (v.canConvertToInt()) return new ExitInfo.Exited(v.intValue());
                        break;
                    case "Signaled":
                        if (v.canConvertToInt()) return new ExitInfo.Signaled(v.intValue());
                        break;
                    case "WaitFailed":
                        if (v.isTextual()) return new ExitInfo.WaitFailed(v.textValue());
                        break;
                    case "TimedOut":
                        return new ExitInfo.TimedOut();
                    default:
                        break;
                }
            }
            return ctxt.reportInputMismatch(ExitInfo.class, "%s is not an exit info; %s", n, EXPECTED);
        }
    }
}
