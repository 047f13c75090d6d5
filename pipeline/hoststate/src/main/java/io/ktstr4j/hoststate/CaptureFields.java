package io.ktstr4j.hoststate;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.ktstr4j.schemas.hoststate.ThreadState;
import java.util.Arrays;
import java.util.List;

/** The JSON names of {@link ThreadState}'s fields, in the record's order: the order of a thread's {@code missing}. */
final class CaptureFields {
    static final List<String> ORDER = Arrays.stream(ThreadState.class.getRecordComponents())
            .map(c -> new PropertyNamingStrategies.SnakeCaseStrategy().translate(c.getName()))
            .filter(n -> !n.equals("missing")).toList();

    private CaptureFields() {
    }
}
