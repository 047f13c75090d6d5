package io.ktstr4j.hoststate;

import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.hoststate.CapturePhase;
import io.ktstr4j.schemas.hoststate.HostStateRefs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The host-state captures around one {@code ktstr4j run}: one before the first variant, one after the last. With
 * Kafka they are published (to the hoststate topic, keyed by host); with a folder they are files next to the run's
 * results ({@code <folder>/<run_id>.before.hst.zst}). The results reference the files when there are files (they
 * outlive an embedded broker), else {@code run:<id>:before|after} on Kafka.
 * A capture that fails is a warning, never the run's failure: the run's results do not depend on it.
 */
public final class RunCaptures {
    private final ProcCapture capture;
    private final String runId;
    private final Path folder;
    private final Consumer<HostStateSnapshot> publish;
    private final Consumer<String> warn;

    /**
     * @param folder  where the files go (null: no files)
     * @param publish how a capture is published (null: not published)
     * @param warn    where a failed capture is reported
     */
    public RunCaptures(ProcCapture capture, String runId, Path folder, Consumer<HostStateSnapshot> publish,
                       Consumer<String> warn) {
        this.capture = capture;
        this.runId = runId;
        this.folder = folder;
        this.publish = publish;
        this.warn = warn;
    }

    /** Where the two captures are (known before they are taken: the results of each variant name them). */
    public HostStateRefs refs() {
        return new HostStateRefs(ref(CapturePhase.BEFORE_RUN), ref(CapturePhase.AFTER_RUN));
    }

    public void before() {
        take(CapturePhase.BEFORE_RUN);
    }

    public void after() {
        take(CapturePhase.AFTER_RUN);
    }

    private String ref(CapturePhase phase) {
        CaptureRef.Run r = new CaptureRef.Run(runId, phase);
        return folder == null ? r.toString() : folder.resolve(r.fileName()).toAbsolutePath().toString();
    }

    private void take(CapturePhase phase) {
        try {
            HostStateSnapshot s = capture.capture(phase, runId);
            if (folder != null) {
                CaptureFiles.write(folder.resolve(new CaptureRef.Run(runId, phase).fileName()), s);
            }
            if (publish != null) {
                publish.accept(s);
            }
        } catch (IOException | RuntimeException e) {
            warn.accept("host state: the capture " + new CaptureRef.Run(runId, phase).label()
                    + " the run failed (the run goes on): " + e.getMessage());
        }
    }
}
