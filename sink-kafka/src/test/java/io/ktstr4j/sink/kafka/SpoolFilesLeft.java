package io.ktstr4j.sink.kafka;

import io.ktstr4j.sink.kafka.spool.SpoolFiles;

import java.nio.file.Path;

final class SpoolFilesLeft {
    private SpoolFilesLeft() {
    }

    /** Segment files left under a spool root. */
    static int count(Path root) {
        int n = 0;
        for (Path s : SpoolFiles.sessions(root)) {
            n += SpoolFiles.segments(s).size();
        }
        return n;
    }
}
