package io.ktstr4j.pipeline;

import io.ktstr4j.vmm.initramfs.InitramfsBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The real guest image: the packaged agent as /init, the plan, and the scheduler binary and the spec's include files
 * (content-cached base). */
public final class InitramfsGuestImage implements GuestImage {

    private final Path cacheDir;
    private final Path agentOverride;

    /** @param agentOverride a locally built agent binary to use instead of the packaged one (null = packaged) */
    public InitramfsGuestImage(Path cacheDir, Path agentOverride) {
        this.cacheDir = cacheDir == null ? InitramfsBuilder.defaultCacheDir() : cacheDir;
        this.agentOverride = agentOverride;
    }

    @Override
    public List<Path> build(Variant v) throws IOException {
        InitramfsBuilder b = InitramfsBuilder.withCache(cacheDir).plan(v.planText())
                .memoryBudgetBytes(v.memoryMb() * 1024 * 1024 / 2);
        if (agentOverride != null) {
            b.agent(agentOverride);
        }
        for (Path f : v.includeFiles()) {
            b.includeFile(f.getFileName().toString(), f);
        }
        if (v.scheduler().isSchedExt()) {
            b.scheduler(v.scheduler().binary(), v.scheduler().args(), v.scheduler().opsName());
        }
        return b.build().archives();
    }
}
