package io.ktstr4j.schemas.monitor;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ktstr4j.schemas.Validate;
import java.util.List;
import java.util.Map;

/**
 * One BPF map read from guest memory during a snapshot. ARRAY/PERCPU_ARRAY maps with BTF come out as typed
 * fields (name → value: number, string or nested object); anything else as raw hex key/value pairs.
 *
 * @param name    the map name as the kernel stores it (e.g. {@code scx_lavd.bss})
 * @param mapType kernel map type name (e.g. {@code ARRAY}, {@code HASH})
 * @param fields  BTF-typed fields (empty when untyped)
 * @param entries raw entries (empty when typed)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record BpfMapValue(String name, String mapType, Map<String, Object> fields, List<RawEntry> entries) {
    /** A raw key/value pair, both lower-case hex without prefix. */
    public record RawEntry(String keyHex, String valueHex) {}

    public BpfMapValue {
        Validate.nonBlank("name", name);
        fields = Validate.map(fields);
        entries = Validate.list("entries", entries);
    }
}
