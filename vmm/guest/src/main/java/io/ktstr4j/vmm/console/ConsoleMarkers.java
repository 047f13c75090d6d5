package io.ktstr4j.vmm.console;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console lines the host reads meaning from, in one place: what the guest agent prints on COM2
 * ({@code src/main/c/agent/main.c}) and the kernel's panic line on its console (COM1, {@code console=ttyS0}). Both VM
 * backends and the run recorder parse lines with these, so a marker changes here or nowhere.
 */
public final class ConsoleMarkers {
    private ConsoleMarkers() {}

    /** The agent's last COM2 line, {@code KTSTR_EXIT=<code>} (main.c, after the EXIT message). */
    public static final String EXIT_PREFIX = "KTSTR_EXIT=";
    /** The agent's COM2 line once it runs as init, before stage INIT_STARTED (main.c). */
    public static final String INIT_STARTED = "KTSTR_INIT_STARTED";
    /** What the kernel prints when it panics ({@code panic()}); kept visible by {@code loglevel=1}. */
    public static final String PANIC = "Kernel panic - not syncing";

    private static final Pattern EXIT_CODE = Pattern.compile(Pattern.quote(EXIT_PREFIX) + "(-?\\d+)");

    /** The exit code a {@code KTSTR_EXIT=N} line carries, or null (no marker, or a number out of int range). */
    public static Integer exitCode(String line) {
        Matcher m = EXIT_CODE.matcher(line);
        if (!m.find()) {
            return null;
        }
        try {
            return Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            return null; // out of int range: not a code the agent writes
        }
    }

    /**
     * Why a line that carries the {@code KTSTR_EXIT=} marker does not give an exit code (a number beyond {@code int},
     * or no number), naming the line; null when the line has no marker or a valid code. The agent writes the code
     * with {@code %d} of an int, so either means a corrupt or foreign line: a guest protocol problem for the verdict
     * to report, never an exception in the host.
     */
    public static String exitMarkerProblem(String line) {
        int at = line.indexOf(EXIT_PREFIX);
        if (at < 0 || exitCode(line) != null) {
            return null;
        }
        String shown = line.length() > 120 ? line.substring(0, 120) + "..." : line;
        Matcher m = EXIT_CODE.matcher(line);
        String why = m.find() ? "exit code " + m.group(1) + " is outside the int range the agent writes"
                : "no exit code after " + EXIT_PREFIX;
        return "COM2 line '" + shown + "': " + why + "; ignored";
    }

    /** True when the line is the kernel's panic line. */
    public static boolean isPanic(String line) {
        return line.contains(PANIC);
    }

    /** True when the line is the agent's init-started marker. */
    public static boolean isInitStarted(String line) {
        return line.contains(INIT_STARTED);
    }
}
