package dev.robustgate.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

class CurvePlotTest {

    static final double[] EPS = {0.0, 0.05, 0.1, 0.15, 0.2, 0.3};
    static final double[] ACC = {0.91, 0.74, 0.48, 0.27, 0.14, 0.04};
    static final double[] LO = {0.89, 0.71, 0.45, 0.24, 0.12, 0.03};
    static final double[] HI = {0.93, 0.77, 0.51, 0.30, 0.16, 0.06};

    static CurvePlot.Builder accuracyPlot() {
        return CurvePlot.builder("Robust accuracy of fashion-lenet")
                .xLabel("eps (L\u221e)")
                .yLabel("accuracy")
                .series(new CurvePlot.Series("PGD-Linf", EPS, ACC, LO, HI))
                .series(new CurvePlot.Series("FGSM", EPS,
                        new double[] {0.91, 0.80, 0.62, 0.45, 0.33, 0.20},
                        new double[] {0.89, 0.77, 0.59, 0.42, 0.30, 0.18},
                        new double[] {0.93, 0.83, 0.65, 0.48, 0.36, 0.23}))
                .threshold(0.15, "gate >= 0.15");
    }

    @Test
    void rendersADecodable800x500Png() throws IOException {
        byte[] png = accuracyPlot().toPng();
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img).isNotNull();
        assertThat(img.getWidth()).isEqualTo(CurvePlot.DEFAULT_WIDTH);
        assertThat(img.getHeight()).isEqualTo(CurvePlot.DEFAULT_HEIGHT);
    }

    @Test
    void honoursACustomSize() throws IOException {
        byte[] png = accuracyPlot().size(640, 400).toPng();
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img.getWidth()).isEqualTo(640);
        assertThat(img.getHeight()).isEqualTo(400);
    }

    @Test
    void proportionsFixTheYAxisToZeroOne() {
        XYChart chart = accuracyPlot().build().chart();
        assertThat(chart.getStyler().getYAxisMin()).isEqualTo(0.0);
        assertThat(chart.getStyler().getYAxisMax()).isEqualTo(1.0);
    }

    @Test
    void otherMetricsKeepAnAutomaticYAxis() {
        CurvePlot plot = CurvePlot.builder("loss")
                .series(CurvePlot.Series.of("loss", new double[] {0, 1, 2}, new double[] {2.3, 1.1, 0.4}))
                .build();
        assertThat(plot.allProportions()).isFalse();
        assertThat(plot.chart().getStyler().getYAxisMin()).isNull();

        CurvePlot thresholdOutside = CurvePlot.builder("acc")
                .series(CurvePlot.Series.of("acc", new double[] {0, 1}, new double[] {0.5, 0.4}))
                .threshold(1.5, "too high")
                .build();
        assertThat(thresholdOutside.allProportions()).isFalse();
    }

    @Test
    void drawsBandsThresholdAndLegendEntries() {
        XYChart chart = accuracyPlot().build().chart();
        var map = chart.getSeriesMap();
        assertThat(map).containsKeys("PGD-Linf", "FGSM", "gate >= 0.15");

        XYSeries threshold = map.get("gate >= 0.15");
        assertThat(threshold.getYData()).containsExactly(0.15, 0.15);
        assertThat(threshold.getXData()).containsExactly(0.0, 0.3);
        assertThat(threshold.getLineStyle().getDashArray()).isNotNull();

        List<XYSeries> bands = map.values().stream()
                .filter(s -> s.getXYSeriesRenderStyle() == XYSeries.XYSeriesRenderStyle.PolygonArea)
                .toList();
        assertThat(bands).hasSize(2).allSatisfy(b -> {
            assertThat(b.isShowInLegend()).isFalse();
            assertThat(b.getXData()).hasSize(2 * EPS.length);
        });
        XYSeries pgdBand = bands.get(0);
        assertThat(pgdBand.getYData()[0]).isEqualTo(HI[0]);
        assertThat(pgdBand.getYData()[2 * EPS.length - 1]).isEqualTo(LO[0]);
    }

    @Test
    void tickPatternHasALeadingZeroAndEnoughDecimals() {
        assertThat(CurvePlot.decimalPattern(List.of(EPS))).isEqualTo("0.###");
        assertThat(CurvePlot.decimalPattern(List.of(new double[] {0, 0.0005}))).isEqualTo("0.####");
        assertThat(CurvePlot.decimalPattern(List.of(new double[] {1.0 / 3}))).isEqualTo("0.######");
    }

    @Test
    void seriesWithoutAnIntervalHasNoBand() {
        XYChart chart = CurvePlot.builder("t")
                .series(CurvePlot.Series.of("clean", EPS, ACC))
                .build().chart();
        assertThat(chart.getSeriesMap()).containsOnlyKeys("clean");
    }

    @Test
    void staticRenderWorksWithoutAThreshold() throws IOException {
        byte[] png = CurvePlot.render("t", "eps", "acc", List.of(CurvePlot.Series.of("a", EPS, ACC)), null);
        assertThat(ImageIO.read(new ByteArrayInputStream(png))).isNotNull();
    }

    @Test
    void rejectsArraysOfUnequalLength() {
        assertThatThrownBy(() -> CurvePlot.Series.of("a", new double[] {0, 1}, new double[] {0.5}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a'").hasMessageContaining("y has 1 values but x has 2");
        assertThatThrownBy(() -> new CurvePlot.Series("a", new double[] {0, 1}, new double[] {0.5, 0.4},
                new double[] {0.4}, new double[] {0.6, 0.5}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lower has 1 values");
    }

    @Test
    void rejectsBoundsThatDoNotContainTheValue() {
        assertThatThrownBy(() -> new CurvePlot.Series("a", new double[] {0, 1}, new double[] {0.5, 0.4},
                new double[] {0.4, 0.45}, new double[] {0.6, 0.5}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("point 1").hasMessageContaining("lower <= y <= upper");
    }

    @Test
    void rejectsNonFiniteValuesAndHalfIntervals() {
        assertThatThrownBy(() -> CurvePlot.Series.of("a", new double[] {0, Double.NaN}, new double[] {0.5, 0.4}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x[1] is NaN");
        assertThatThrownBy(() -> CurvePlot.Series.of("a", new double[] {0, 1},
                new double[] {0.5, Double.POSITIVE_INFINITY}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("y[1] is Infinity");
        assertThatThrownBy(() -> new CurvePlot.Series("a", new double[] {0}, new double[] {0.5},
                new double[] {0.4}, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both lower and upper");
        assertThatThrownBy(() -> CurvePlot.Series.of("a", new double[0], new double[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no points");
        assertThatThrownBy(() -> new CurvePlot.Threshold(Double.NaN, "gate"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
    }

    @Test
    void rejectsEmptyPlotsAndDuplicateNames() {
        assertThatThrownBy(() -> CurvePlot.builder("t").toPng())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one series");
        assertThatThrownBy(() -> CurvePlot.builder("t")
                .series(CurvePlot.Series.of("a", EPS, ACC))
                .series(CurvePlot.Series.of("a", EPS, ACC))
                .build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate series name 'a'");
        assertThatThrownBy(() -> CurvePlot.builder("t")
                .series(CurvePlot.Series.of("gate", EPS, ACC))
                .threshold(0.1, "gate")
                .build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("also a series name");
        assertThatThrownBy(() -> CurvePlot.builder("t").size(10, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size");
    }

    @Test
    void proportionsBecomePointsWithTheirIntervals() {
        var a = dev.robustgate.metric.Proportion.of("robust accuracy", "m", "", 30, 100);
        var b = dev.robustgate.metric.Proportion.of("robust accuracy", "m", "", 5, 100);
        CurvePlot.Series s = CurvePlot.Series.ofProportions("PGD", new double[] {0.03, 0.1}, List.of(a, b));
        assertThat(s.y()).containsExactly(0.30, 0.05);
        assertThat(s.lower()).containsExactly(a.interval().lower(), b.interval().lower());
        assertThat(s.upper()).containsExactly(a.interval().upper(), b.interval().upper());
        assertThatThrownBy(() -> CurvePlot.Series.ofProportions("PGD", new double[] {0.1}, List.of(a, b)))
                .hasMessageContaining("1 x values for 2 proportions");
    }
}
