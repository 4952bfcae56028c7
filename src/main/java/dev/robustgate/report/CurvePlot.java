package dev.robustgate.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A metric-versus-parameter line chart (typically robust accuracy versus epsilon) as a PNG, drawn with
 * XChart.
 *
 * <p>Each {@link Series} is a line with markers; when it carries {@code lower}/{@code upper} bounds the
 * confidence interval is drawn as a translucent band in the series colour. A band, not error bars,
 * because the intervals RobustGate reports (Clopper-Pearson) are asymmetric and XChart's error
 * bars are symmetric. An optional {@link Threshold} is a dashed horizontal line with its own legend entry
 * (e.g. {@code "gate >= 0.15"}). When every value (points, bounds and threshold) lies in {@code [0,1]}
 * the y axis is fixed to {@code [0,1]}, so charts of proportions are comparable across runs.
 *
 * <pre>{@code
 * byte[] png = CurvePlot.builder("Robust accuracy of fashion-lenet under PGD-Linf")
 *         .xLabel("eps").yLabel("accuracy")
 *         .series(new CurvePlot.Series("PGD-Linf", eps, acc, lo, hi))
 *         .threshold(0.15, "gate >= 0.15")
 *         .toPng();
 * }</pre>
 */
public final class CurvePlot {

    public static final int DEFAULT_WIDTH = 800;
    public static final int DEFAULT_HEIGHT = 500;

    /** Colour-blind-friendly palette (Okabe-Ito), in series order. */
    static final Color[] PALETTE = {
        new Color(0x00, 0x72, 0xB2), // blue
        new Color(0xD5, 0x5E, 0x00), // vermillion
        new Color(0x00, 0x9E, 0x73), // bluish green
        new Color(0xCC, 0x79, 0xA7), // reddish purple
        new Color(0xE6, 0x9F, 0x00), // orange
        new Color(0x56, 0xB4, 0xE9), // sky blue
        new Color(0xF0, 0xE4, 0x42), // yellow
        new Color(0x00, 0x00, 0x00), // black
    };

    static final Color THRESHOLD_COLOR = new Color(0x60, 0x60, 0x60);
    private static final int BAND_ALPHA = 56;
    private static final String BAND_SUFFIX = " \u00b7 CI";

    /**
     * One curve.
     *
     * @param name  legend entry, unique within a plot
     * @param x     parameter values (e.g. epsilons), in the order the line should connect them
     * @param y     metric values, same length as {@code x}
     * @param lower lower confidence bounds, same length, or {@code null} (then {@code upper} must be too)
     * @param upper upper confidence bounds, same length, or {@code null}
     */
    public record Series(String name, double[] x, double[] y, double[] lower, double[] upper) {

        public Series {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("series name must not be blank");
            }
            if (x == null || y == null) {
                throw new IllegalArgumentException("series '" + name + "': x and y must not be null");
            }
            if ((lower == null) != (upper == null)) {
                throw new IllegalArgumentException("series '" + name
                        + "': give both lower and upper bounds or neither");
            }
            if (x.length == 0) {
                throw new IllegalArgumentException("series '" + name + "' has no points");
            }
            checkLength(name, "y", y, x.length);
            if (lower != null) {
                checkLength(name, "lower", lower, x.length);
                checkLength(name, "upper", upper, x.length);
            }
            checkFinite(name, "x", x);
            checkFinite(name, "y", y);
            if (lower != null) {
                checkFinite(name, "lower", lower);
                checkFinite(name, "upper", upper);
                for (int i = 0; i < x.length; i++) {
                    if (!(lower[i] <= y[i] && y[i] <= upper[i])) {
                        throw new IllegalArgumentException("series '" + name + "' point " + i + " (x=" + x[i]
                                + "): need lower <= y <= upper, got " + lower[i] + " <= " + y[i] + " <= "
                                + upper[i]);
                    }
                }
            }
        }

        /** A series without a confidence interval. */
        public static Series of(String name, double[] x, double[] y) {
            return new Series(name, x, y, null, null);
        }

        /** Measured proportions at {@code x}, drawn with their confidence intervals. */
        public static Series ofProportions(String name, double[] x, List<dev.robustgate.metric.Proportion> ys) {
            if (x == null || ys == null || x.length != ys.size()) {
                throw new IllegalArgumentException("series '" + name + "': " + (x == null ? "null" : x.length) + " x values for "
                        + (ys == null ? "null" : ys.size()) + " proportions");
            }
            int n = ys.size();
            double[] y = new double[n], lo = new double[n], hi = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = ys.get(i).value();
                lo[i] = ys.get(i).interval().lower();
                hi[i] = ys.get(i).interval().upper();
            }
            return new Series(name, x, y, lo, hi);
        }

        public boolean hasInterval() {
            return lower != null;
        }

        private static void checkLength(String name, String what, double[] values, int expected) {
            if (values.length != expected) {
                throw new IllegalArgumentException("series '" + name + "': " + what + " has " + values.length
                        + " values but x has " + expected);
            }
        }

        private static void checkFinite(String name, String what, double[] values) {
            for (int i = 0; i < values.length; i++) {
                if (!Double.isFinite(values[i])) {
                    throw new IllegalArgumentException("series '" + name + "': " + what + "[" + i + "] is "
                            + values[i] + "; values must be finite");
                }
            }
        }
    }

    /** A horizontal dashed reference line, e.g. {@code new Threshold(0.15, "gate >= 0.15")}. */
    public record Threshold(double value, String label) {
        public Threshold {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("threshold value must be finite, got " + value);
            }
            if (label == null || label.isBlank()) {
                throw new IllegalArgumentException("threshold label must not be blank");
            }
        }
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series;
    private final Threshold threshold;
    private final int width;
    private final int height;

    private CurvePlot(Builder b) {
        this.title = b.title;
        this.xLabel = b.xLabel;
        this.yLabel = b.yLabel;
        this.series = List.copyOf(b.series);
        this.threshold = b.threshold;
        this.width = b.width;
        this.height = b.height;
    }

    public static Builder builder(String title) {
        return new Builder(title);
    }

    /**
     * One-call form with the default 800x500 size.
     *
     * @param threshold may be {@code null}
     */
    public static byte[] render(
            String title, String xLabel, String yLabel, List<Series> series, Threshold threshold) {
        Builder b = builder(title).xLabel(xLabel).yLabel(yLabel).series(series);
        if (threshold != null) {
            b.threshold(threshold.value(), threshold.label());
        }
        return b.toPng();
    }

    /** Whether every point, bound and the threshold lies in [0,1], which fixes the y axis to [0,1]. */
    boolean allProportions() {
        for (Series s : series) {
            if (!inUnit(s.y()) || (s.hasInterval() && (!inUnit(s.lower()) || !inUnit(s.upper())))) {
                return false;
            }
        }
        return threshold == null || (threshold.value() >= 0 && threshold.value() <= 1);
    }

    private static boolean inUnit(double[] values) {
        for (double v : values) {
            if (v < 0 || v > 1) {
                return false;
            }
        }
        return true;
    }

    /** "0.###", or more decimals (up to 6) when a value needs them, e.g. eps = 0.0005. */
    static String decimalPattern(List<double[]> arrays) {
        int decimals = 3;
        for (double[] values : arrays) {
            for (double v : values) {
                decimals = Math.max(decimals, decimalsNeeded(v));
            }
        }
        return "0." + "#".repeat(decimals);
    }

    private static int decimalsNeeded(double v) {
        for (int d = 0; d < 6; d++) {
            double scaled = v * Math.pow(10, d);
            if (Math.abs(scaled - Math.rint(scaled)) <= 1e-9 * Math.max(1.0, Math.abs(scaled))) {
                return d;
            }
        }
        return 6;
    }

    /** Builds the XChart chart; package-private for tests. */
    XYChart chart() {
        XYChart chart = new XYChart(width, height);
        chart.setTitle(title);
        chart.setXAxisTitle(xLabel);
        chart.setYAxisTitle(yLabel);
        style(chart.getStyler());

        // XChart's default tick format mixes "0", ".02" and "0.1"; give every tick a leading zero and
        // just enough decimals for the data.
        chart.getStyler().setXAxisDecimalPattern(decimalPattern(series.stream().map(Series::x).toList()));
        if (allProportions()) {
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setYAxisMax(1.0);
            chart.getStyler().setYAxisDecimalPattern("0.0#");
        }

        // Bands first so that every line and marker is drawn on top of every band.
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            if (!s.hasInterval()) {
                continue;
            }
            int n = s.x().length;
            double[] px = new double[2 * n];
            double[] py = new double[2 * n];
            for (int k = 0; k < n; k++) {
                px[k] = s.x()[k];
                py[k] = s.upper()[k];
                px[2 * n - 1 - k] = s.x()[k];
                py[2 * n - 1 - k] = s.lower()[k];
            }
            Color c = PALETTE[i % PALETTE.length];
            XYSeries band = chart.addSeries(s.name() + BAND_SUFFIX, px, py);
            band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
            band.setFillColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), BAND_ALPHA));
            band.setLineColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 0));
            band.setMarker(SeriesMarkers.NONE);
            band.setShowInLegend(false);
        }

        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            Color c = PALETTE[i % PALETTE.length];
            XYSeries line = chart.addSeries(s.name(), s.x(), s.y());
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            line.setLineColor(c);
            line.setMarkerColor(c);
            line.setMarker(SeriesMarkers.CIRCLE);
            line.setLineStyle(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        }

        if (threshold != null) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (Series s : series) {
                for (double v : s.x()) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            XYSeries t = chart.addSeries(threshold.label(), new double[] {lo, hi},
                    new double[] {threshold.value(), threshold.value()});
            t.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            t.setLineColor(THRESHOLD_COLOR);
            t.setMarker(SeriesMarkers.NONE);
            t.setLineStyle(new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {8f, 5f}, 0f));
        }
        return chart;
    }

    private static void style(XYStyler st) {
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotBorderColor(new Color(0xBD, 0xBD, 0xBD));
        st.setPlotGridLinesColor(new Color(0xE6, 0xE6, 0xE6));
        st.setPlotGridLinesStroke(new BasicStroke(1f));
        st.setChartTitleBoxVisible(false);
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setLegendLayout(Styler.LegendLayout.Horizontal);
        st.setLegendBorderColor(Color.WHITE);
        st.setLegendSeriesLineLength(28);
        st.setMarkerSize(7);
        st.setChartPadding(12);
        st.setAntiAlias(true);
        st.setLocale(Locale.ROOT); // "0.1", never "0,1": reports must not depend on the machine's locale
    }

    /** Renders the chart as PNG bytes. */
    public byte[] toPng() {
        try {
            return BitmapEncoder.getBitmapBytes(chart(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode chart as PNG", e);
        }
    }

    /** Collects the chart's parts; {@link #build()} validates their combination. */
    public static final class Builder {
        private final String title;
        private String xLabel = "";
        private String yLabel = "";
        private final List<Series> series = new ArrayList<>();
        private Threshold threshold;
        private int width = DEFAULT_WIDTH;
        private int height = DEFAULT_HEIGHT;

        private Builder(String title) {
            if (title == null) {
                throw new IllegalArgumentException("title must not be null (use \"\" for none)");
            }
            this.title = title;
        }

        public Builder xLabel(String label) {
            this.xLabel = label == null ? "" : label;
            return this;
        }

        public Builder yLabel(String label) {
            this.yLabel = label == null ? "" : label;
            return this;
        }

        public Builder series(Series s) {
            if (s == null) {
                throw new IllegalArgumentException("series must not be null");
            }
            series.add(s);
            return this;
        }

        public Builder series(List<Series> list) {
            if (list == null) {
                throw new IllegalArgumentException("series list must not be null");
            }
            list.forEach(this::series);
            return this;
        }

        /** Adds a dashed horizontal line at {@code value}, labelled in the legend. */
        public Builder threshold(double value, String label) {
            this.threshold = new Threshold(value, label);
            return this;
        }

        public Builder size(int width, int height) {
            if (width < 200 || height < 150 || width > 8000 || height > 8000) {
                throw new IllegalArgumentException("chart size must be within 200x150 .. 8000x8000, got "
                        + width + "x" + height);
            }
            this.width = width;
            this.height = height;
            return this;
        }

        public CurvePlot build() {
            if (series.isEmpty()) {
                throw new IllegalArgumentException("a curve plot needs at least one series");
            }
            Set<String> names = new HashSet<>();
            for (Series s : series) {
                if (!names.add(s.name())) {
                    throw new IllegalArgumentException("duplicate series name '" + s.name() + "'");
                }
            }
            for (Series s : series) {
                if (s.hasInterval() && names.contains(s.name() + BAND_SUFFIX)) {
                    throw new IllegalArgumentException("series name '" + s.name() + BAND_SUFFIX
                            + "' is reserved for the interval band of '" + s.name() + "'");
                }
            }
            if (threshold != null && names.contains(threshold.label())) {
                throw new IllegalArgumentException("threshold label '" + threshold.label()
                        + "' is also a series name");
            }
            return new CurvePlot(this);
        }

        /** Shorthand for {@code build().toPng()}. */
        public byte[] toPng() {
            return build().toPng();
        }
    }
}
