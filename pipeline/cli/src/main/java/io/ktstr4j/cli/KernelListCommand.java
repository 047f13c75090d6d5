package io.ktstr4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ktstr4j.pipeline.kernel.CacheEntry;
import io.ktstr4j.pipeline.kernel.KernelCache;
import io.ktstr4j.pipeline.kernel.KernelMetadata;
import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.stats.TextTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kernel list}: every entry of ktstr4j's cache and of ktstr's, corrupt ones with why. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"The cached kernels: ktstr4j's cache ($KTSTR4J_CACHE_DIR/kernels, else "
                + "~/.cache/ktstr4j/kernels), then ktstr's ($KTSTR_CACHE_DIR, else $XDG_CACHE_HOME/ktstr/kernels, else "
                + "~/.cache/ktstr/kernels), newest first. Any KEY works as --kernel KEY.",
                "FILES: btf (vmlinux.btf or vmlinux), map (System.map or vmlinux), scx (example schedulers): what "
                        + "the monitor and --scheduler NAME find. A corrupt entry is listed with why, and never used."})
final class KernelListCommand extends KernelSubcommand {

    @Option(names = "--json", description = "A JSON array, one object per entry, instead of the table.")
    boolean json;

    KernelListCommand(Services services) {
        super(services);
    }

    /**
     * One entry as {@code --json} prints it.
     *
     * @param source ktstr's {@code source} object ({@code {"type": "git", …}}), or null when unknown
     * @param corrupt why the entry cannot be used, or null
     */
    record Row(String key, String origin, String path, boolean valid, String corrupt, String version, JsonNode source,
               String arch, String image, String builtAt, long sizeBytes, boolean hasBtf, boolean hasSystemMap,
               boolean hasScx, boolean hasVmlinux) {

        static Row of(CacheEntry e) {
            KernelMetadata m = e.metadata();
            return new Row(e.key(), e.origin().label(), e.dir().toString(), e.valid(), e.corrupt(),
                    m == null ? null : m.version(), m == null || m.source() == null ? null : m.source().toJson(),
                    m == null ? null : m.arch(), e.image() == null ? null : e.image().toString(),
                    m == null ? null : m.builtAt(), e.sizeBytes(), e.hasBtf(), e.hasSymbols(), e.hasScx(),
                    m != null && m.hasVmlinux());
        }
    }

    @Override
    protected int execute() {
        KernelCache cache = services.kernelCache();
        List<CacheEntry> entries = cache.list();
        if (json) {
            out(Json.writePretty(entries.stream().map(Row::of).toList()));
            return ExitCodes.OK;
        }
        services.err().println("ktstr4j cache: " + cache.root());
        services.err().println("ktstr cache:   " + cache.ktstrRoot() + " (read only)");
        if (entries.isEmpty()) {
            services.out().println("no cached kernels. Add one with 'ktstr4j kernel build' (--debian, --source DIR, "
                    + "--tarball FILE, --git URL --ref REF) or 'ktstr4j kernel import DIR --key KEY'.");
            return ExitCodes.OK;
        }
        out(table(entries).render(""));
        return ExitCodes.OK;
    }

    private void out(String s) {
        services.out().print(s);
        services.out().flush();
    }

    /** The text table; shared with {@code kernel clean}'s list of what it would remove. */
    static TextTable table(List<CacheEntry> entries) {
        TextTable t = new TextTable("KEY", "ORIGIN", "VERSION", "SOURCE", "BUILT", "SIZE", "FILES").right(5);
        for (CacheEntry e : entries) {
            KernelMetadata m = e.metadata();
            if (!e.valid()) {
                t.row(e.key(), e.origin().label(), m == null || m.version() == null ? "-" : m.version(),
                        "(corrupt: " + e.corrupt() + ")", "-", size(e.sizeBytes()), "-");
                continue;
            }
            List<String> files = new ArrayList<>();
            if (e.hasBtf()) {
                files.add("btf");
            }
            if (e.hasSymbols()) {
                files.add("map");
            }
            if (e.hasScx()) {
                files.add("scx");
            }
            t.row(e.key(), e.origin().label(), m.version() == null ? "-" : m.version(),
                    m.source() == null ? "?" : m.source().describe(), m.builtAt() == null ? "-" : m.builtAt(),
                    size(e.sizeBytes()), files.isEmpty() ? "-" : String.join(",", files));
        }
        return t;
    }

    static String size(long bytes) {
        return bytes >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20))
                : String.format(Locale.ROOT, "%d KiB", (bytes + 1023) / 1024);
    }
}
