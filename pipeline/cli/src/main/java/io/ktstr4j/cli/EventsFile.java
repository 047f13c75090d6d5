package io.ktstr4j.cli;

import io.ktstr4j.schemas.event.RunEvent;
import io.ktstr4j.schemas.json.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code --events FILE}: every event as one JSON line, appended and flushed at once (after a SIGKILL the file says
 * what was produced). Variants running side by side write whole lines, one at a time.
 */
final class EventsFile implements AutoCloseable {

    private final BufferedWriter w;

    private EventsFile(BufferedWriter w) {
        this.w = w;
    }

    /** The file to append to; without one, writing does nothing. */
    static EventsFile open(Path file) throws IOException {
        if (file == null) {
            return new EventsFile(null);
        }
        try {
            return new EventsFile(Files.newBufferedWriter(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new IOException("--events: cannot open " + file + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        }
    }

    synchronized void write(RunEvent e) {
        if (w == null) {
            return;
        }
        try {
            w.write(Json.write(e));
            w.newLine();
            w.flush();
        } catch (IOException x) {
            throw new UncheckedIOException("--events: cannot write: " + x.getMessage(), x);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (w != null) {
            w.close();
        }
    }
}
