package io.ktstr4j.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.time.Millisecond;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * {@code stats history --plot FILE.png}: the metric per run over time, one point per run with its ±sd bar, drawn by
 * JFreeChart. PNG only: SVG would need a second library (JFreeSVG).
 */
public final class HistoryPlot {

    private HistoryPlot() {
    }

    /** Writes the chart; refuses a file name that does not end in {@code .png}. */
    public static void write(Path file, String metric, String unit, List<HistoryPoint> points) throws IOException {
        if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new StatsInputException("--plot " + file + ": only PNG is drawn (name the file *.png)");
        }
        System.setProperty("java.awt.headless", "true");
        YIntervalSeries s = new YIntervalSeries(metric);
        for (HistoryPoint p : points) {
            double sd = p.sd() == null ? 0 : p.sd();
            s.add(new Millisecond(java.util.Date.from(java.time.Instant.parse(p.date())))
                    .getFirstMillisecond(), p.value(), p.value() - sd, p.value() + sd);
        }
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        data.addSeries(s);
        JFreeChart chart = ChartFactory.createTimeSeriesChart(metric + " per run", "run start (UTC)",
                unit.isEmpty() ? metric : metric + " (" + unit + ")", data, false, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(java.awt.Color.WHITE);
        plot.setDomainGridlinePaint(java.awt.Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(java.awt.Color.LIGHT_GRAY);
        // Run ids and the table are UTC; the axis too, whatever the machine's zone.
        ((org.jfree.chart.axis.DateAxis) plot.getDomainAxis()).setTimeZone(java.util.TimeZone.getTimeZone("UTC"));
        XYErrorRenderer r = new XYErrorRenderer();
        r.setDefaultLinesVisible(true);
        r.setDefaultShapesVisible(true);
        plot.setRenderer(r);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 500);
    }
}
