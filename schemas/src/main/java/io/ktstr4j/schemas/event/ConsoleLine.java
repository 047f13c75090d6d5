package io.ktstr4j.schemas.event;

import io.ktstr4j.schemas.Validate;

/**
 * One line from a serial port.
 *
 * @param port            {@code com1} (kernel console) or {@code com2} (agent output)
 * @param sinceCreationNs ns since the VM was created
 * @param line            the line without its terminator
 */
public record ConsoleLine(String port, long sinceCreationNs, String line) implements VmEvent {
    public static final String COM1 = "com1";
    public static final String COM2 = "com2";

    public ConsoleLine {
        Validate.nonBlank("port", port);
        line = line == null ? "" : line;
    }
}
