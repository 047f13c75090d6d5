package io.ktstr4j.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Builds the initramfs archives (agent + plan + scheduler) a variant boots with. May block (file I/O). */
@FunctionalInterface
public interface GuestImage {
    List<Path> build(Variant variant) throws IOException;
}
