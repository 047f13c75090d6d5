package io.ktstr4j.regressions;

import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.stats.Trial;
import io.ktstr4j.stats.Trials;
import java.util.ArrayList;
import java.util.List;

/**
 * One variant's baseline in the watch's state store: the last passing results of the variant that matched the
 * baseline filter, oldest first. Kept as sidecars (not trials), so a store written by one version reads in the next.
 *
 * @param results the baseline results, oldest first
 */
public record BaselineWindow(List<SidecarResult> results) {

    public static final BaselineWindow EMPTY = new BaselineWindow(List.of());

    public BaselineWindow {
        results = List.copyOf(results);
    }

    /** The window with {@code r} appended, the oldest dropped beyond {@code size}. */
    public BaselineWindow with(SidecarResult r, int size) {
        List<SidecarResult> out = new ArrayList<>(results);
        out.add(r);
        while (out.size() > size) {
            out.remove(0);
        }
        return new BaselineWindow(out);
    }

    public List<Trial> trials() {
        return results.stream().map(Trials::of).toList();
    }

    public List<String> runs() {
        return results.stream().map(SidecarResult::runId).toList();
    }

    public boolean isEmpty() {
        return results.isEmpty();
    }
}
