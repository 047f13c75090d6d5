package io.ktstr4j.cli;

import io.ktstr4j.pipeline.kernel.KernelBuildException;
import io.ktstr4j.pipeline.kernel.KernelException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * What every {@code kernel} command shares: the services, and errors as one line naming the problem (a failed build
 * step also the last lines of its log), never a stack trace.
 */
@Command(sortOptions = false)
abstract class KernelSubcommand implements Callable<Integer> {

    /** Lines of a failed step's log shown on stderr. */
    static final int LOG_TAIL = 20;

    protected final Services services;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    protected KernelSubcommand(Services services) {
        this.services = services;
    }

    /** The command's work. */
    protected abstract int execute() throws Exception;

    @Override
    public final Integer call() throws Exception {
        try {
            return execute();
        } catch (KernelBuildException e) {
            services.err().println(spec.qualifiedName() + ": " + e.getMessage());
            var tail = e.tail(LOG_TAIL);
            if (!tail.isEmpty()) {
                services.err().println("last " + tail.size() + " lines of " + e.log() + ":");
                tail.forEach(l -> services.err().println("  " + l));
            }
            return ExitCodes.FAILED;
        } catch (KernelException | UncheckedIOException e) {
            services.err().println(spec.qualifiedName() + ": " + e.getMessage());
            return ExitCodes.USAGE_OR_INFRA;
        }
    }
}
