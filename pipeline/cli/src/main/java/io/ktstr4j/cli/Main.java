package io.ktstr4j.cli;

import io.ktstr4j.cli.kafka.KafkaCommand;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The ktstr4j command line: {@code run}, {@code list}, {@code show-thresholds}, {@code stats}, {@code host-state},
 * {@code kernel} and {@code kafka}.
 */
@Command(name = "ktstr4j", mixinStandardHelpOptions = true, version = "ktstr4j " + Main.VERSION,
        description = "Test harness for Linux process schedulers: boots a kernel in a VM per test variant, runs a "
                + "scenario, judges the scheduler.",
        subcommands = {RunCommand.class, ListCommand.class, LocksCommand.class, ShowThresholdsCommand.class,
                StatsCommand.class, HostStateCommand.class, KernelCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** The ktstr4j version (the {@code --version} line, and {@code run.started}'s {@code version}). */
    public static final String VERSION = "0.1.0";


    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (run, list, "
                + "show-thresholds, stats, host-state, kernel, kafka)");
    }

    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--verbose") || Arrays.asList(args).contains("-v")) {
            // Before the first logger exists: slf4j-simple reads its level once.
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        }
        System.exit(execute(new Services(), args));
    }

    /** Runs the CLI and returns its exit code (no System.exit: tests call this). */
    public static int execute(Services services, String... args) {
        boolean verbose = Arrays.asList(args).contains("--verbose") || Arrays.asList(args).contains("-v");
        CommandLine cl = commandLine(services);
        cl.setOut(new java.io.PrintWriter(services.out(), true));
        cl.setErr(new java.io.PrintWriter(services.err(), true));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            services.err().println("ktstr4j: " + message(ex));
            if (verbose) {
                ex.printStackTrace(services.err());
            } else {
                services.err().println("(run with --verbose for the stack trace)");
            }
            return ExitCodes.USAGE_OR_INFRA;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            services.err().println("ktstr4j: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, services.err());
            services.err().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCodes.USAGE_OR_INFRA;
        });
        try {
            return cl.execute(args);
        } catch (Throwable t) { // e.g. a LinkageError from a broken class path: still one clear line
            services.err().println("ktstr4j: internal error: " + t);
            if (verbose) {
                t.printStackTrace(services.err());
            }
            return ExitCodes.USAGE_OR_INFRA;
        }
    }

    static CommandLine commandLine(Services services) {
        CommandLine cl = new CommandLine(new Main(), new Factory(services));
        cl.addSubcommand("kafka", new KafkaCommand());
        return cl;
    }

    static String message(Throwable ex) {
        Throwable t = ex;
        while ((t.getMessage() == null || t.getMessage().isBlank()) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** Hands the services to every command. */
    static final class Factory implements CommandLine.IFactory {
        private final Services services;
        private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

        Factory(Services services) {
            this.services = services;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (cls == RunCommand.class) {
                return cls.cast(new RunCommand(services));
            }
            if (cls == ListCommand.class) {
                return cls.cast(new ListCommand(services));
            }
            if (cls == LocksCommand.class) {
                return cls.cast(new LocksCommand(services));
            }
            if (cls == ShowThresholdsCommand.class) {
                return cls.cast(new ShowThresholdsCommand(services));
            }
            if (cls == StatsWatchCommand.class) {
                return cls.cast(new StatsWatchCommand(services));
            }
            if (cls == HostStateCaptureCommand.class) {
                return cls.cast(new HostStateCaptureCommand(services));
            }
            if (cls == HostStateWatchCommand.class) {
                return cls.cast(new HostStateWatchCommand(services));
            }
            if (cls == HostStateCompareCommand.class) {
                return cls.cast(new HostStateCompareCommand(services));
            }
            if (cls == HostStateDiffWatchCommand.class) {
                return cls.cast(new HostStateDiffWatchCommand(services));
            }
            if (StatsSubcommand.class.isAssignableFrom(cls) || KernelSubcommand.class.isAssignableFrom(cls)) {
                return cls.cast(cls.getDeclaredConstructor(Services.class).newInstance(services));
            }
            return fallback.create(cls);
        }
    }
}
