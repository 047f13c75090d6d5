package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import java.nio.file.Path;

/**
 * ktstr's sidecar folder layout: {@code DIR/{kernel}-{project_commit}/<test>-<variant_hash>.ktstr.json}, with
 * {@code unknown} for a kernel version or project commit that is not known. One file per variant and (kernel, project
 * commit): a later run of the same variant replaces it (last writer wins, as in ktstr); every trial is kept by the
 * results store and the Kafka topic, not here.
 */
public final class SidecarFiles {

    public static final String SUFFIX = ".ktstr.json";

    private SidecarFiles() {
    }

    /** Where the sidecar goes under {@code dir}. */
    public static Path path(Path dir, SidecarResult s) {
        String hash = s.variantHash() != null ? s.variantHash() : VariantHash.hex(VariantHash.of(s));
        return dir.resolve(runDirName(s.kernelVersion(), s.projectCommit()))
                .resolve(safe(s.testName()) + "-" + hash + SUFFIX);
    }

    /** {@code {kernel}-{project_commit}}, {@code unknown} standing in for either. */
    public static String runDirName(String kernelVersion, String projectCommit) {
        return safe(kernelVersion == null ? "unknown" : kernelVersion) + "-"
                + safe(projectCommit == null ? "unknown" : projectCommit);
    }

    /**
     * Writes the sidecar to its place under {@code dir} atomically (a temp file renamed over the old one: a reader
     * sees the old file or the new, never half of one, and of two writers the last rename wins). Returns the path.
     */
    public static Path write(Path dir, SidecarResult s) {
        Path p = path(dir, s);
        Json.write(p, s);
        return p;
    }

    /** One path element: a separator or a leading dot in a name must not leave the folder or hide the file. */
    private static String safe(String name) {
        String s = name.replace('/', '_').replace('\\', '_').replace('\0', '_');
        return s.startsWith(".") ? "_" + s.substring(1) : s;
    }
}
