package io.ktstr4j.cli;

import io.ktstr4j.pipeline.kernel.BuildRequest;
import io.ktstr4j.pipeline.kernel.BuildResult;
import io.ktstr4j.pipeline.kernel.BuildSource;
import io.ktstr4j.pipeline.kernel.KernelBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kernel build}: a guest kernel built with ktstr4j's config fragment and cached. */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Build a guest kernel and cache it (then --kernel KEY, or no --kernel at all, boots it): make "
                + "defconfig + kvm_guest.config + ktstr4j.kconfig (sched_ext, BTF, schedstats, virtio-mmio, ...), "
                + "olddefconfig, a check that every option the harness needs survived, make bzImage; the entry gets "
                + "bzImage, System.map, config, vmlinux.btf, a debug-stripped vmlinux and, when the host can build "
                + "them, the tree's example sched_ext schedulers in scx/.",
                "Give one source. Keys as ktstr's: VERSION-tarball-x86_64-kcHASH, REF-git-SHORT-x86_64-kcHASH, "
                        + "local-SHORT-x86_64-kcHASH (HASH: CRC32 of the fragment). A tree with uncommitted changes "
                        + "is built but not cached, unless --key names the entry. Make's output goes to a log in "
                        + "the cache's .builds/ folder; a progress line every 10 s on stderr. Ctrl-C stops make "
                        + "and its compilers and removes the temporary folders. Prints the image's path."})
final class KernelBuildCommand extends KernelSubcommand {

    /** How long SIGINT waits for the build to stop and clean up before the JVM exits anyway. */
    static final long CANCEL_WAIT_SECONDS = 60;

    @Option(names = "--source", paramLabel = "DIR", description = "A kernel source tree, built in place (a .config "
            + "it has is kept, with the fragment merged over it).")
    Path source;

    @Option(names = "--tarball", paramLabel = "FILE", description = "A release tarball (.tar.xz, .tar.gz).")
    Path tarball;

    @Option(names = "--git", paramLabel = "URL", description = "A git repository (URL or local path), "
            + "shallow-cloned at --ref.")
    String git;

    @Option(names = "--ref", paramLabel = "REF", description = "With --git: the branch, tag or commit.")
    String ref;

    @Option(names = "--debian", arity = "0..1", fallbackValue = "", paramLabel = "VERSION",
            description = "Debian's linux-source-VERSION package (/usr/src/linux-source-VERSION.tar.xz); without "
                    + "VERSION the newest one installed.")
    String debian;

    @Option(names = "--install", description = "With --debian: apt-get install -y linux-source-VERSION when it is "
            + "not installed.")
    boolean install;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "make -jN (default: the number of CPUs).")
    Integer jobs;

    @Option(names = "--key", paramLabel = "KEY", description = "The entry's key instead of the derived one (also "
            + "caches a tree with uncommitted changes).")
    String key;

    @Option(names = "--label", paramLabel = "LABEL", description = "Appended to the derived key (KEY-LABEL): keeps "
            + "builds of one source with different configs apart.")
    String label;

    @Option(names = "--force", description = "Build even when the entry is cached, and replace it.")
    boolean force;

    KernelBuildCommand(Services services) {
        super(services);
    }

    @Override
    protected int execute() {
        BuildRequest req = new BuildRequest(source(), jobs != null ? jobs : Runtime.getRuntime().availableProcessors(),
                key, label, force);
        KernelBuilder builder = services.kernelBuilder(services.err()::println);
        CountDownLatch done = new CountDownLatch(1);
        // Ctrl-C: stop make's process tree and wait for the build to remove its temporary folders
        Thread hook = new Thread(() -> {
            builder.cancel();
            try {
                done.await(CANCEL_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "kernel-build-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        long t0 = System.nanoTime();
        BuildResult r;
        try {
            r = builder.build(req);
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down (Ctrl-C): the hook is running
            }
        }
        long s = (System.nanoTime() - t0) / 1_000_000_000L;
        String what = r.entry() == null ? "not cached" : (r.reused() ? "cached already: " : "cached as ")
                + r.entry().key();
        services.err().println("kernel build: done in " + (s >= 60 ? s / 60 + "m" + s % 60 + "s" : s + "s") + ", "
                + what + "; log: " + r.log());
        services.out().println(r.image());
        return ExitCodes.OK;
    }

    private BuildSource source() {
        List<BuildSource> given = new ArrayList<>();
        if (source != null) {
            given.add(new BuildSource.SourceTree(source));
        }
        if (tarball != null) {
            given.add(new BuildSource.Tarball(tarball));
        }
        if (git != null) {
            if (ref == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--git " + git + " needs --ref REF (a "
                        + "branch, tag or commit)");
            }
            given.add(new BuildSource.GitRepo(git, ref));
        } else if (ref != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ref goes with --git URL");
        }
        if (debian != null) {
            given.add(new BuildSource.Debian(debian.isBlank() ? null : debian, install));
        } else if (install) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--install goes with --debian [VERSION]");
        }
        if (given.size() != 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), (given.isEmpty() ? "no source given" :
                    "give one source, not " + given.size()) + ": --source DIR, --tarball FILE, --git URL --ref REF or "
                    + "--debian [VERSION] (on a fresh machine: apt-get install linux-source-6.12, then --debian)");
        }
        return given.get(0);
    }
}
