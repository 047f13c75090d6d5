package io.ktstr4j.pipeline.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * ktstr4j's kernel config fragment (the resource {@code ktstr4j.kconfig}) and the checks of a {@code .config} against
 * it: merging it the way {@code scripts/kconfig/merge_config.sh -m} does (every line of a symbol the fragment sets is
 * dropped, then the fragment appended), and verifying the options the harness cannot run without.
 */
public final class Kconfig {

    /**
     * What the harness needs of a guest kernel; a build whose {@code .config} lacks one fails naming it. {@code y}
     * means built in; {@code n} means off (absent or {@code # … is not set}).
     */
    public static final Map<String, String> REQUIRED = required();

    private static final String RESOURCE = "ktstr4j.kconfig";
    private static final Pattern SET = Pattern.compile("^(CONFIG_[A-Za-z0-9_]+)=(.*)$");
    private static final Pattern UNSET = Pattern.compile("^# (CONFIG_[A-Za-z0-9_]+) is not set$");

    private static Map<String, String> required() {
        Map<String, String> r = new LinkedHashMap<>();
        for (String on : List.of("SCHED_CLASS_EXT", "BPF_SYSCALL", "BPF_JIT", "DEBUG_INFO_BTF", "SCHEDSTATS",
                "SCHED_DEBUG", "CGROUPS", "CPUSETS", "CGROUP_SCHED", "NUMA", "SCHED_MC", "SCHED_SMT", "VIRTIO_MMIO",
                "VIRTIO_MMIO_CMDLINE_DEVICES", "VIRTIO_CONSOLE", "SERIAL_8250", "SERIAL_8250_CONSOLE", "BLK_DEV_INITRD",
                "RD_ZSTD", "DEVTMPFS", "DEVMEM", "KVM_GUEST")) {
            r.put("CONFIG_" + on, "y");
        }
        for (String off : List.of("STRICT_DEVMEM", "JUMP_LABEL", "DEBUG_INFO_REDUCED")) {
            r.put("CONFIG_" + off, "n");
        }
        return Map.copyOf(r);
    }

    private final String text;

    private Kconfig(String text) {
        this.text = text;
    }

    /** The fragment shipped with ktstr4j. */
    public static Kconfig fragment() {
        try (InputStream in = Kconfig.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path (a broken build)");
            }
            return new Kconfig(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    public String text() {
        return text;
    }

    /** CRC32 of the fragment's bytes, 8 hex digits: the {@code kc} of cache keys and {@code ktstr_kconfig_hash}. */
    public String hash() {
        return crc32(text.getBytes(StandardCharsets.UTF_8));
    }

    /** CRC32 (ktstr's {@code crc32fast}, the IEEE polynomial) as 8 lower-case hex digits. */
    public static String crc32(byte[] bytes) {
        CRC32 c = new CRC32();
        c.update(bytes);
        return String.format(Locale.ROOT, "%08x", c.getValue());
    }

    /** The fragment's settings: symbol → value ({@code n} for {@code # CONFIG_X is not set}), in order. */
    public Map<String, String> settings() {
        return parse(text);
    }

    /** A {@code .config}'s settings: symbol → value, {@code n} for {@code is not set}. */
    public static Map<String, String> parse(String config) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : config.split("\n")) {
            String l = line.strip();
            Matcher m = SET.matcher(l);
            if (m.matches()) {
                out.put(m.group(1), m.group(2));
                continue;
            }
            Matcher u = UNSET.matcher(l);
            if (u.matches()) {
                out.put(u.group(1), "n");
            }
        }
        return out;
    }

    /** {@code config} with every line of a symbol the fragment sets removed and the fragment appended. */
    public String mergeInto(String config) {
        Set<String> symbols = settings().keySet();
        StringBuilder sb = new StringBuilder();
        for (String line : config.split("\n", -1)) {
            String l = line.strip();
            Matcher m = SET.matcher(l);
            Matcher u = UNSET.matcher(l);
            String sym = m.matches() ? m.group(1) : u.matches() ? u.group(1) : null;
            if (sym == null || !symbols.contains(sym)) {
                sb.append(line).append('\n');
            }
        }
        while (sb.length() > 1 && sb.charAt(sb.length() - 1) == '\n' && sb.charAt(sb.length() - 2) == '\n') {
            sb.setLength(sb.length() - 1);
        }
        return sb.append("# ktstr4j.kconfig\n").append(text).toString();
    }

    /** The required options {@code config} does not have, as {@code CONFIG_X=y} / {@code CONFIG_X off}. */
    public static List<String> missingRequired(String config) {
        Map<String, String> have = parse(config);
        List<String> out = new ArrayList<>();
        REQUIRED.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String v = have.getOrDefault(e.getKey(), "n");
            if (!v.equals(e.getValue())) {
                out.add(e.getValue().equals("n") ? e.getKey() + " off" : e.getKey() + "=" + e.getValue());
            }
        });
        return out;
    }

    /**
     * The fragment's settings that {@code make olddefconfig} did not keep (a dependency missing, another option
     * selecting it), as {@code CONFIG_X (asked y, is n)}: worth a warning, not a failure unless required.
     */
    public List<String> notKept(String config) {
        Map<String, String> have = parse(config);
        List<String> out = new ArrayList<>();
        settings().forEach((sym, want) -> {
            String is = have.getOrDefault(sym, "n");
            if (!is.equals(want)) {
                out.add(sym + " (asked " + want + ", is " + is + ")");
            }
        });
        return out;
    }
}
