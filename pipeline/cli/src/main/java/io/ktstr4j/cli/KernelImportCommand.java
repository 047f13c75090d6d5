package io.ktstr4j.cli;

import io.ktstr4j.pipeline.kernel.HostTools;
import io.ktstr4j.pipeline.kernel.KernelImporter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kernel import}: an already built kernel into ktstr4j's cache. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Copy an already built kernel into ktstr4j's cache as entry KEY (then --kernel KEY boots it): "
                + "the image and what sits beside it: System.map, vmlinux.btf, vmlinux (debug info stripped), config "
                + "and scx/ (example sched_ext schedulers). A built kernel tree (arch/x86/boot/bzImage, System.map, "
                + "vmlinux, .config) works too. vmlinux.zst is left out: the monitor reads vmlinux.btf and System.map.",
                "The entry appears whole or not at all. Prints the cached image's path."})
final class KernelImportCommand extends KernelSubcommand {

    @Parameters(index = "0", paramLabel = "DIR|IMAGE", description = "The kernel image, or the folder holding it.")
    Path path;

    @Option(names = "--key", required = true, paramLabel = "KEY", description = "The entry's name in the cache.")
    String key;

    @Option(names = "--force", description = "Replace an entry of that key.")
    boolean force;

    KernelImportCommand(Services services) {
        super(services);
    }

    @Override
    protected int execute() {
        KernelImporter.Imported i = new KernelImporter(services.kernelCache(), HostTools.of(services.env()))
                .importKernel(path, key, force);
        i.notes().forEach(n -> services.err().println("kernel import: note: " + n));
        services.err().println("kernel import: " + path + " -> " + i.entry().dir() + " (version "
                + (i.entry().metadata().version() == null ? "unknown" : i.entry().metadata().version()) + ", "
                + KernelListCommand.size(i.entry().sizeBytes()) + ")");
        services.out().println(i.entry().image());
        return ExitCodes.OK;
    }
}
