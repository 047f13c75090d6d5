package io.ktstr4j.cli;

import io.ktstr4j.pipeline.kernel.CacheEntry;
import io.ktstr4j.pipeline.kernel.KernelCache;
import io.ktstr4j.pipeline.kernel.KernelException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kernel clean}: removes entries of ktstr4j's cache, as ktstr's {@code kernel clean} decides and asks. */
@Command(name = "clean", mixinStandardHelpOptions = true,
        description = {"Remove cached kernels from ktstr4j's cache (ktstr's cache is never touched): every entry, or "
                + "all but the --keep N newest valid ones; corrupt entries always go (they never take a keep slot); "
                + "--corrupt-only removes only those. Temporary folders left by killed builds or imports go too.",
                "Asks y/N first, which needs a terminal: without one (a script, CI) it refuses unless --force."})
final class KernelCleanCommand extends KernelSubcommand {

    @Option(names = "--keep", paramLabel = "N", description = "Keep the N newest valid entries.")
    Integer keep;

    @Option(names = "--corrupt-only", description = "Remove only corrupt entries (no metadata, no image).")
    boolean corruptOnly;

    @Option(names = "--force", description = "Do not ask.")
    boolean force;

    KernelCleanCommand(Services services) {
        super(services);
    }

    @Override
    protected int execute() throws IOException {
        if (keep != null && corruptOnly) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--keep and --corrupt-only do not go "
                    + "together: --corrupt-only never removes a valid entry, so there is nothing to keep");
        }
        if (keep != null && keep < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--keep " + keep + ": must be 0 or more");
        }
        KernelCache cache = services.kernelCache();
        List<CacheEntry> remove = cache.cleanCandidates(keep, corruptOnly);
        List<Path> orphans = cache.orphans();
        if (remove.isEmpty() && orphans.isEmpty()) {
            services.out().println("nothing to clean");
            return ExitCodes.OK;
        }
        if (!force) {
            BufferedReader in = services.terminalInput();
            if (in == null) {
                throw new KernelException("confirmation requires a terminal. Use --force to skip.");
            }
            services.out().println("the following entries will be removed:");
            services.out().print(KernelListCommand.table(remove).render("  "));
            orphans.forEach(o -> services.out().println("  " + o + " (left by a process that is gone)"));
            services.err().print("remove " + (remove.size() + orphans.size()) + " entries? [y/N] ");
            services.err().flush();
            String answer = in.readLine();
            if (answer == null || !(answer.strip().equals("y") || answer.strip().equals("Y"))) {
                services.out().println("aborted");
                return ExitCodes.OK;
            }
        }
        for (CacheEntry e : remove) {
            cache.remove(e);
        }
        int leftovers = cache.removeOrphans();
        services.out().println("removed " + remove.size() + " cached kernel(s)"
                + (leftovers > 0 ? " and " + leftovers + " leftover temporary folder(s)" : "") + ".");
        return ExitCodes.OK;
    }
}
