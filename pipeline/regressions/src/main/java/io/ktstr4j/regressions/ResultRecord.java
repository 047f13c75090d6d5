package io.ktstr4j.regressions;

import io.ktstr4j.schemas.event.RunEvent;
import java.util.List;
import java.util.Map;

/** What one record of the results topic holds, read on its own ({@link ResultRecords#read}). */
public sealed interface ResultRecord {

    /** A whole value: its events (only {@code run.result} ones when the headers say the record holds no other). */
    record Events(List<RunEvent> events) implements ResultRecord {
        public Events {
            events = List.copyOf(events);
        }
    }

    /**
     * One part of a value split across records ({@code ktstr4j.part}); only the consumer that saw the parts before it
     * can reassemble it ({@link ResultRecords#sidecars}).
     */
    record Part(Map<String, String> headers, byte[] value) implements ResultRecord {
        public Part {
            headers = Map.copyOf(headers);
        }
    }
}
