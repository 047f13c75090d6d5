package io.ktstr4j.schemas.event;

import io.ktstr4j.schemas.Validate;
import io.ktstr4j.schemas.report.AssertResult;

/** The guest's verdict (TEST message). */
public record TestResult(AssertResult result) implements GuestMessage {
    public TestResult {
        Validate.required("result", result);
    }
}
