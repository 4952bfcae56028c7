package dev.robustgate.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Renders one realistic example of each report and attaches it to the Allure report, so a reviewer can
 * see what the reports look like. With {@code -Drobustgate.report.samples.dir=/tmp/report-samples}
 * the PNGs are also written there for a look outside Allure.
 */
class ReportSamplesTest {

    private static final String SAMPLES_DIR = "robustgate.report.samples.dir";

    @Test
    void adversarialGridSample() throws IOException {
        float[] a = SyntheticImages.sneaker();
        float[] b = SyntheticImages.bag();
        float[] c = SyntheticImages.shirt();
        List<GridColumn> cols = List.of(
                new GridColumn(a, SyntheticImages.perturb(a, 0.1f, 1), "Sneaker", "Sandal (0.93)", true),
                new GridColumn(b, SyntheticImages.perturb(b, 0.1f, 2), "Bag", "Bag (0.71)", false),
                new GridColumn(c, SyntheticImages.perturb(c, 0.1f, 3), "T-shirt/top", "Shirt (0.55)", true),
                new GridColumn(a, SyntheticImages.perturb(a, 0.05f, 4), "Sneaker", "Sneaker (0.88)", false));
        byte[] png = ImageGrid.render("PGD-Linf eps=0.1 on fashion-lenet", cols, 28, 28, 1);
        publish("image-grid.png", png);
    }

    @Test
    void accuracyCurveSample() throws IOException {
        byte[] png = CurvePlotTest.accuracyPlot().toPng();
        publish("accuracy-vs-eps.png", png);
    }

    private static void publish(String name, byte[] png) throws IOException {
        assertThat(png).isNotEmpty();
        AllureAttachments.attachPng(name, png);
        String dir = System.getProperty(SAMPLES_DIR);
        if (dir != null && !dir.isBlank()) {
            Path out = Path.of(dir);
            Files.createDirectories(out);
            Files.write(out.resolve(name), png);
        }
    }
}
