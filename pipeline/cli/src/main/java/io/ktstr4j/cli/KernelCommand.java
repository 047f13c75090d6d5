package io.ktstr4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ktstr4j kernel}: the kernel cache, shared with ktstr (docs/kernels.md). */
@Command(name = "kernel", mixinStandardHelpOptions = true,
        description = "Kernels to boot: list the cache (ktstr4j's and ktstr's), build one from a source tree, "
                + "tarball, git ref or Debian's linux-source, import a built one, clean the cache.",
        subcommands = {KernelListCommand.class, KernelBuildCommand.class, KernelImportCommand.class,
                KernelCleanCommand.class},
        footer = {"", "Exit codes: 0 done, 1 a build step failed (named, with its log), 2 bad input, a missing tool "
                + "or an unusable cache."})
final class KernelCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a kernel command is required (list, build, "
                + "import, clean)");
    }
}
