package io.ktstr4j.regressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.event.RunSidecar;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.sink.kafka.EventCodec;
import io.ktstr4j.sink.kafka.EventRouter;
import io.ktstr4j.sink.kafka.KtstrHeaders;
import io.ktstr4j.sink.kafka.RecordEncoder;
import io.ktstr4j.sink.kafka.TopicLayout;
import io.ktstr4j.sink.kafka.spool.OutRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one reader of results records: whole, compressed and split values; what is not ktstr4j's is refused. */
class ResultRecordsTest {
    static final TopicLayout LAYOUT = TopicLayout.defaults();
    static final String TOPIC = LAYOUT.name(TopicLayout.RESULTS);

    /** A sidecar too big for one 1 KiB part even compressed: random kernel arguments. */
    static SidecarResult big() {
        Random rnd = new Random(3);
        List<String> kargs = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            byte[] b = new byte[32];
            rnd.nextBytes(b);
            kargs.add("x" + i + "=" + HexFormat.of().formatHex(b));
        }
        return PublishedResults.result("r-1", "ci", "abc1234", 0).kargs(kargs).build();
    }

    static List<OutRecord> parts(SidecarResult r) {
        RecordEncoder enc = new RecordEncoder(new EventRouter(LAYOUT), 500, 1 << 20, 1024, EventCodec.SCHEMA_VERSION);
        return enc.encode(List.of(EventCodec.encode(new RunEvent(r.runId(), r.variantKey(), 0,
                Instant.parse(r.timestamp()), new RunSidecar(r))))).stream()
                .filter(o -> o.topic().equals(TOPIC)).toList();
    }

    static List<SidecarResult> feed(ResultRecords reader, List<OutRecord> records) {
        List<SidecarResult> out = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            OutRecord o = records.get(i);
            String source = ResultRecords.source(TOPIC, 2, i);
            out.addAll(reader.sidecars(ResultRecords.read(source, o::header, o.value()), TOPIC, 2, source));
        }
        return out;
    }

    @Test
    void aSplitCompressedValueIsReassembledIntoItsSidecar() {
        SidecarResult r = big();
        List<OutRecord> parts = parts(r);
        assertThat(parts.size()).as("parts").isGreaterThan(2);
        assertThat(parts.get(0).header(KtstrHeaders.CONTENT_TYPE)).isEqualTo(KtstrHeaders.NDJSON_ZSTD);
        assertThat(feed(new ResultRecords(), parts)).containsExactly(r);
    }

    @Test
    void aSplitValueWithAPartMissingIsRefusedAtItsLastPart() {
        List<OutRecord> parts = new ArrayList<>(parts(big()));
        parts.remove(1);
        ResultRecords reader = new ResultRecords();
        assertThatThrownBy(() -> feed(reader, parts)).isInstanceOf(BadRecordException.class)
                .hasMessageContaining("could not be reassembled");
    }

    @Test
    void anotherSchemaOrANewerMajorIsRefusedByItsHeaders() {
        Map<String, String> foreign = Map.of(KtstrHeaders.SCHEMA, "acme.telemetry");
        assertThatThrownBy(() -> ResultRecords.read("s", foreign::get, "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("'acme.telemetry', not ktstr4j.run_event");
        Map<String, String> newer = Map.of(KtstrHeaders.SCHEMA_VERSION, "2.0");
        assertThatThrownBy(() -> ResultRecords.read("s", newer::get, "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("is 2.0: this reader reads");
    }

    @Test
    void recordsOfOtherEventTypesAreNotParsed() {
        Map<String, String> verdict = Map.of(KtstrHeaders.EVENT_TYPE, "run.verdict");
        assertThat(ResultRecords.read("s", verdict::get, "not even json".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new ResultRecord.Events(List.of()));
    }
}
