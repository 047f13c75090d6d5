package io.ktstr4j.schemas.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.ktstr4j.schemas.Validate;

/** One payload metric (ktstr {@code Metric}). */
public record Metric(String name, double value, Polarity polarity, String unit, Source source, Stream stream) {
    public enum Source {
        @JsonProperty("Json") JSON,
        @JsonProperty("LlmExtract") LLM_EXTRACT
    }

    public enum Stream {
        @JsonProperty("Stdout") STDOUT,
        @JsonProperty("Stderr") STDERR,
        @JsonProperty("Synthesized") SYNTHESIZED
    }

    public Metric {
        Validate.nonBlank("name", name);
        if (polarity == null) polarity = Polarity.UNKNOWN;
        if (unit == null) unit = "";
        Validate.required("source", source);
        Validate.required("stream", stream);
    }
}
