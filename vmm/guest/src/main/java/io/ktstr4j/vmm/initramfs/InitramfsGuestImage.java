package io.ktstr4j.vmm.initramfs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The real guest image: the packaged agent as /init, the plan, and the scheduler binary and the include files
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
    public List<Path> build(Contents c) throws IOException {
        InitramfsBuilder b = InitramfsBuilder.withCache(cacheDir).plan(c.plan().text())
                .memoryBudgetBytes(c.memoryBudgetBytes());
        if (agentOverride != null) {
            b.agent(agentOverride);
        }
        for (Path f : c.includeFiles()) {
            b.includeFile(f.getFileName().toString(), f);
        }
        if (c.scheduler() != null) {
            b.scheduler(c.scheduler().binary(), c.scheduler().args(), c.scheduler().opsName());
        }
        if (c.builtin() != null) {
            b.builtinScheduler(c.builtin().shell(), c.builtin().enable(), c.builtin().disable());
        }
        return b.build().archives();
    }
}
