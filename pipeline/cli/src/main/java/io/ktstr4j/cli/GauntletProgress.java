package io.ktstr4j.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import me.tongfei.progressbar.ProgressState;

/**
 * How a gauntlet shows its progress: a live bar on a terminal (done / failed / running / queued and an ETA from the
 * durations of the runs that finished), plain lines elsewhere (CI logs), nothing with {@code --quiet}. The bar is
 * me.tongfei's progressbar; result lines are printed above it, the bar redrawn below.
 */
final class GauntletProgress implements AutoCloseable {

    /** What is shown. */
    enum Mode { QUIET, LINES, BAR }

    private final Mode mode;
    private final PrintStream out;
    private final PrintStream err;
    private int total;
    private final Object lock = new Object();
    private ProgressBar bar;
    private BarLine line;
    private int done;
    private int failed;
    private int running;
    private long finishedWallMs;
    private int finishedRuns;
    private int peakRunning = 1;

    GauntletProgress(Mode mode, PrintStream out, PrintStream err, int total) {
        this.mode = mode;
        this.out = out;
        this.err = err;
        this.total = total;
        if (mode == Mode.BAR) {
            line = new BarLine(new ConsoleProgressBarConsumer(err));
            bar = new ProgressBarBuilder().setTaskName("gauntlet").setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).setConsumer(line)
                    .setEtaFunction(this::eta).build();
            bar.setExtraMessage(counts());
        }
    }

    /** The mode for a command: quiet wins; a bar only when the console is a terminal. */
    static Mode mode(boolean quiet, boolean terminal) {
        return quiet ? Mode.QUIET : terminal ? Mode.BAR : Mode.LINES;
    }

    /** A progress note (booting, scenario running...): a line on stderr, nothing under the bar. */
    void note(String text) {
        if (mode == Mode.LINES) {
            err.println("  " + text);
        }
    }

    /** A note worth keeping even under the bar (a monitor that is off, a warning). */
    void warn(String text) {
        if (mode == Mode.LINES) {
            err.println("  " + text);
        } else if (mode == Mode.BAR) {
            line.above(err, "  " + text);
        }
    }

    /** A result line on stdout. */
    void result(String text) {
        if (mode == Mode.BAR) {
            line.above(out, text);
        } else {
            out.println(text);
        }
    }

    void started() {
        synchronized (lock) {
            running++;
            peakRunning = Math.max(peakRunning, running);
        }
        refresh();
    }

    /** An execution ended: with a verdict ({@code wallMs}), failed or not, or cancelled. */
    void ended(boolean ok, long wallMs, boolean retrying) {
        synchronized (lock) {
            running = Math.max(0, running - 1);
            if (!retrying) {
                done++;
                failed += ok ? 0 : 1;
            }
            if (wallMs > 0) {
                finishedWallMs += wallMs;
                finishedRuns++;
            }
        }
        refresh();
    }

    /** An execution that will not run after all (cancelled before it started): it leaves the total. */
    void dropped() {
        synchronized (lock) {
            total = Math.max(done + running, total - 1);
        }
        if (bar != null) {
            bar.maxHint(total);
        }
        refresh();
    }

    private void refresh() {
        if (bar != null) {
            synchronized (lock) {
                bar.stepTo(done);
            }
            bar.setExtraMessage(counts());
        }
    }

    /** {@code 3 done, 1 failed, 2 running, 10 queued}. */
    String counts() {
        synchronized (lock) {
            return String.format(Locale.ROOT, "%d done, %d failed, %d running, %d queued", done, failed, running,
                    Math.max(0, total - done - running));
        }
    }

    /** What is left, at the mean duration of the runs that finished, spread over as many VMs as ran at once. */
    Optional<Duration> eta(ProgressState state) {
        synchronized (lock) {
            if (finishedRuns == 0) {
                return Optional.empty();
            }
            double left = Math.max(0, total - done - running) + running / 2.0;
            return Optional.of(Duration.ofMillis((long) (finishedWallMs / (double) finishedRuns * left / peakRunning)));
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    /** The bar's line on the terminal: lines printed above it, then it is drawn again. */
    static final class BarLine implements ProgressBarConsumer {
        private final ProgressBarConsumer console;
        private String last = "";

        BarLine(ProgressBarConsumer console) {
            this.console = console;
        }

        @Override
        public synchronized int getMaxRenderedLength() {
            return console.getMaxRenderedLength();
        }

        @Override
        public synchronized void accept(String rendered) {
            last = rendered;
            console.accept(rendered);
        }

        /** Clears the bar, prints {@code text} as a line of its own on {@code stream}, draws the bar again. */
        synchronized void above(PrintStream stream, String text) {
            console.clear(); // blanks the bar's line
            console.accept(""); // back to its start
            stream.println(text);
            stream.flush();
            if (!last.isEmpty()) {
                console.accept(last);
            }
        }

        @Override
        public synchronized void close() {
            console.close();
        }
    }
}
