package io.ktstr4j.cli;

import io.ktstr4j.pipeline.gauntlet.HostCpuLocks;
import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.stats.TextTable;
import io.ktstr4j.vmm.nativelib.FlockHolders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ktstr4j locks}: the host CPU and LLC lock files ktstr4j and ktstr share ({@code ktstr-cpu-N.lock},
 * {@code ktstr-llc-N.lock} in the temp folder) and who holds each, from {@code /proc/locks}.
 */
@Command(name = "locks", mixinStandardHelpOptions = true,
        description = "List the host CPU and LLC locks of running gauntlets (ktstr4j's and ktstr's) and who holds them.")
final class LocksCommand implements Callable<Integer> {

    private final Services services;

    @Option(names = "--json", description = "One JSON object as ktstr's 'locks --json' has it: llcs and cpus, each row "
            + "a lockfile and its holders (pid, cmdline).")
    boolean json;

    @Option(names = "--all", description = "Also list lock files nobody holds.")
    boolean all;

    LocksCommand(Services services) {
        this.services = services;
    }

    /** One lock file and its holders. */
    record Row(String lockfile, List<Holder> holders) {
    }

    /** A process holding a lock; {@code mode} is ktstr4j's addition ({@code exclusive} or {@code shared}). */
    record Holder(long pid, String cmdline, String mode) {
    }

    @Override
    public Integer call() throws IOException {
        Path dir = services.lockDir();
        FlockHolders holders = FlockHolders.read();
        Map<String, List<Row>> out = new LinkedHashMap<>();
        out.put("llcs", rows(dir, HostCpuLocks.LLC_PREFIX, holders));
        out.put("cpus", rows(dir, HostCpuLocks.CPU_PREFIX, holders));
        if (json) {
            services.out().println(Json.write(out));
            return ExitCodes.OK;
        }
        TextTable t = new TextTable("LOCK", "MODE", "PID", "COMMAND");
        int n = 0;
        for (List<Row> rows : out.values()) {
            for (Row r : rows) {
                if (r.holders().isEmpty()) {
                    t.row(r.lockfile(), "free", "", "");
                }
                for (Holder h : r.holders()) {
                    t.row(r.lockfile(), h.mode(), Long.toString(h.pid()), abbreviate(h.cmdline()));
                }
                n++;
            }
        }
        if (n == 0) {
            services.out().println("no " + (all ? "" : "held ") + "CPU or LLC locks in " + dir);
        } else {
            services.out().print(t.render(""));
        }
        return ExitCodes.OK;
    }

    private List<Row> rows(Path dir, String prefix, FlockHolders holders) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> {
                    String n = p.getFileName().toString();
                    return n.startsWith(prefix) && n.endsWith(HostCpuLocks.SUFFIX);
                }).forEach(files::add);
            }
        }
        files.sort(Comparator.comparingInt(LocksCommand::number));
        List<Row> rows = new ArrayList<>();
        for (Path f : files) {
            List<Holder> hs = holders.of(f).stream().map(h -> new Holder(h.pid(), FlockHolders.cmdline(h.pid()),
                    h.exclusive() ? "exclusive" : "shared")).toList();
            if (all || !hs.isEmpty()) {
                rows.add(new Row(f.toString(), hs));
            }
        }
        return rows;
    }

    private static int number(Path lockFile) {
        String n = lockFile.getFileName().toString();
        try {
            return Integer.parseInt(n.substring(n.lastIndexOf('-') + 1, n.length() - HostCpuLocks.SUFFIX.length()));
        } catch (RuntimeException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 100 ? s : s.substring(0, 97) + "...";
    }
}
