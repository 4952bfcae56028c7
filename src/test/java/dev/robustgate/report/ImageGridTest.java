package dev.robustgate.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageGridTest {

    private static final int H = 28;
    private static final int W = 28;
    private static final String TITLE = "PGD-Linf eps=0.1 on fashion-lenet";

    private static List<GridColumn> threeColumns() {
        float[] a = SyntheticImages.sneaker();
        float[] b = SyntheticImages.bag();
        float[] c = SyntheticImages.shirt();
        return List.of(
                new GridColumn(a, SyntheticImages.perturb(a, 0.1f, 1), "Sneaker", "Sandal (0.93)", true),
                new GridColumn(b, SyntheticImages.perturb(b, 0.1f, 2), "Bag", "Bag (0.71)", false),
                new GridColumn(c, SyntheticImages.perturb(c, 0.1f, 3), "T-shirt/top", "Shirt (0.55)", true));
    }

    private static BufferedImage decode(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img).as("PNG decodes").isNotNull();
        return img;
    }

    private static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xFFFFFF;
    }

    @Test
    void rendersADecodablePngWithTheLayoutsDimensions() throws IOException {
        List<GridColumn> cols = threeColumns();
        byte[] png = ImageGrid.render(TITLE, cols, H, W, 1);

        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        BufferedImage img = decode(png);
        ImageGrid.Layout layout = ImageGrid.layout(TITLE, cols, H, W, 1, ImageGrid.autoScale(H, W));
        assertThat(img.getWidth()).isEqualTo(layout.canvasWidth);
        assertThat(img.getHeight()).isEqualTo(layout.canvasHeight);
        // 28x28 is upscaled 4x to 112 px; three rows of images stacked under the title bar
        assertThat(layout.imageWidth).isEqualTo(112);
        assertThat(layout.imageHeight).isEqualTo(112);
        assertThat(img.getHeight()).isGreaterThan(40 + 3 * 112);
        assertThat(img.getWidth()).isGreaterThan(3 * 112);
    }

    @Test
    void eachExtraColumnAddsOneCellOfWidth() throws IOException {
        List<GridColumn> three = threeColumns();
        List<GridColumn> four = new java.util.ArrayList<>(three);
        four.add(three.get(0));
        BufferedImage a = decode(ImageGrid.render(TITLE, three, H, W, 1, 4));
        BufferedImage b = decode(ImageGrid.render(TITLE, four, H, W, 1, 4));
        assertThat(b.getHeight()).isEqualTo(a.getHeight());
        assertThat(b.getWidth() - a.getWidth()).isEqualTo(ImageGrid.layout(TITLE, three, H, W, 1, 4).cellWidth);
    }

    @Test
    void imagesAreUpscaledNearestNeighbour() {
        float[] clean = new float[H * W];
        clean[0] = 1f; // one white pixel in the top-left corner
        List<GridColumn> cols = List.of(new GridColumn(clean, clean.clone(), "x", "x", false));
        BufferedImage img = ImageGrid.renderImage(TITLE, cols, H, W, 1, 4);
        ImageGrid.Layout layout = ImageGrid.layout(TITLE, cols, H, W, 1, 4);
        int x0 = layout.imageX(0);
        int y0 = layout.rowY[0];
        for (int dy = 0; dy < 4; dy++) {
            for (int dx = 0; dx < 4; dx++) {
                assertThat(rgb(img, x0 + dx, y0 + dy)).isEqualTo(0xFFFFFF);
            }
        }
        assertThat(rgb(img, x0 + 4, y0)).isEqualTo(0x000000);
        assertThat(rgb(img, x0, y0 + 4)).isEqualTo(0x000000);
    }

    @Test
    void zeroDeltaIsWhiteAndSignedDeltasAreRedAndBlue() {
        float[] clean = new float[H * W];
        java.util.Arrays.fill(clean, 0.5f);
        float[] adv = clean.clone();
        adv[0] = 0.6f;           // brighter: pixel (0,0)
        adv[W - 1] = 0.45f;      // darker, half the largest delta: pixel (0, W-1)
        List<GridColumn> cols = List.of(new GridColumn(clean, adv, "Sneaker", "Sandal (0.93)", true));
        BufferedImage img = ImageGrid.renderImage(TITLE, cols, H, W, 1, 4);
        ImageGrid.Layout layout = ImageGrid.layout(TITLE, cols, H, W, 1, 4);
        int x0 = layout.imageX(0);
        int y0 = layout.rowY[1];

        assertThat(rgb(img, x0 + 14 * 4 + 1, y0 + 14 * 4 + 1)).as("zero delta").isEqualTo(0xFFFFFF);
        assertThat(rgb(img, x0 + 1, y0 + 1)).as("max positive delta").isEqualTo(ImageGrid.POSITIVE.getRGB() & 0xFFFFFF);
        Color darker = new Color(rgb(img, x0 + (W - 1) * 4 + 1, y0 + 1));
        assertThat(darker.getBlue()).as("negative delta is blue").isGreaterThan(darker.getRed());
        assertThat(darker.getRed()).as("half-strength, lighter than the end colour")
                .isGreaterThan(ImageGrid.NEGATIVE.getRed()).isLessThan(255);
    }

    @Test
    void divergingMapEndsAndMiddle() {
        assertThat(ImageGrid.divergingRgb(0f, 0.1f)).isEqualTo(0xFFFFFF);
        assertThat(ImageGrid.divergingRgb(0f, 0f)).isEqualTo(0xFFFFFF);
        assertThat(ImageGrid.divergingRgb(0.1f, 0.1f)).isEqualTo(ImageGrid.POSITIVE.getRGB() & 0xFFFFFF);
        assertThat(ImageGrid.divergingRgb(-0.1f, 0.1f)).isEqualTo(ImageGrid.NEGATIVE.getRGB() & 0xFFFFFF);
        assertThat(ImageGrid.divergingRgb(-5f, 0.1f)).as("saturates").isEqualTo(ImageGrid.NEGATIVE.getRGB() & 0xFFFFFF);
    }

    @Test
    void perturbationScaleIsPrintedInTheRowLabel() {
        assertThat(ImageGrid.perturbationLabel(0.1f)).isEqualTo("perturbation (\u00b10.100)");
        assertThat(ImageGrid.perturbationLabel(2f / 255f)).isEqualTo("perturbation (\u00b10.0078)");
        assertThat(ImageGrid.perturbationLabel(0f)).isEqualTo("perturbation (\u00b10.000)");
        assertThat(ImageGrid.summary(threeColumns())).isEqualTo("fooled 2/3");
    }

    @Test
    void adversarialCaptionIsRedWhenFooledAndGreenWhenHeld() {
        assertThat(ImageGrid.captionColor(true)).isEqualTo(ImageGrid.FOOLED);
        assertThat(ImageGrid.captionColor(false)).isEqualTo(ImageGrid.HELD);

        List<GridColumn> cols = threeColumns(); // column 0 fooled, column 1 held
        BufferedImage img = ImageGrid.renderImage(TITLE, cols, H, W, 1, 4);
        ImageGrid.Layout layout = ImageGrid.layout(TITLE, cols, H, W, 1, 4);
        int captionTop = layout.rowY[2] + layout.imageHeight + 2;
        assertThat(countPixels(img, layout, 0, captionTop, c -> c.getRed() > 150 && c.getGreen() < 90 && c.getBlue() < 90))
                .as("red caption pixels under a fooled example").isGreaterThan(20);
        assertThat(countPixels(img, layout, 1, captionTop, c -> c.getGreen() > c.getRed() + 40 && c.getGreen() > c.getBlue() + 40))
                .as("green caption pixels under a held example").isGreaterThan(20);
        assertThat(countPixels(img, layout, 1, captionTop, c -> c.getRed() > 150 && c.getGreen() < 90 && c.getBlue() < 90))
                .as("no red under a held example").isZero();
    }

    private static int countPixels(BufferedImage img, ImageGrid.Layout layout, int col, int top,
            java.util.function.Predicate<Color> p) {
        int n = 0;
        for (int y = top; y < Math.min(img.getHeight(), top + 20); y++) {
            for (int x = layout.imageX(col) - 6; x < layout.imageX(col) + layout.imageWidth + 6; x++) {
                if (p.test(new Color(img.getRGB(x, y)))) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void rendersRgbChannelFirst() throws IOException {
        int h = 8;
        int w = 8;
        float[] clean = new float[3 * h * w];
        for (int i = 0; i < h * w; i++) {
            clean[i] = 1f; // red plane only
        }
        List<GridColumn> cols = List.of(new GridColumn(clean, clean.clone(), "red", "red (0.99)", false));
        BufferedImage img = ImageGrid.renderImage("rgb", cols, h, w, 3, 4);
        ImageGrid.Layout layout = ImageGrid.layout("rgb", cols, h, w, 3, 4);
        assertThat(rgb(img, layout.imageX(0) + 2, layout.rowY[0] + 2)).isEqualTo(0xFF0000);
        assertThat(decode(ImageGrid.toPng(img)).getWidth()).isEqualTo(img.getWidth());
    }

    @Test
    void longCaptionsAreCutToTheCell() {
        float[] clean = SyntheticImages.bag();
        String longCaption = "Ankle boot with a very long and detailed explanation (0.999999)";
        List<GridColumn> cols = List.of(new GridColumn(clean, clean.clone(), longCaption, longCaption, true));
        // must not throw and must not widen the grid beyond the title's needs
        BufferedImage img = ImageGrid.renderImage("t", cols, H, W, 1, 4);
        ImageGrid.Layout layout = ImageGrid.layout("t", cols, H, W, 1, 4);
        assertThat(img.getWidth()).isEqualTo(layout.canvasWidth);
    }

    @Test
    void rejectsPixelCountsThatDoNotMatchTheShape() {
        List<GridColumn> cols = List.of(new GridColumn(new float[784], new float[784], "a", "b", true));
        assertThatThrownBy(() -> ImageGrid.render(TITLE, cols, 32, 32, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column 0")
                .hasMessageContaining("clean has 784 values, expected 3072");
    }

    @Test
    void rejectsCleanAndAdversarialOfDifferentLengths() {
        assertThatThrownBy(() -> new GridColumn(new float[784], new float[783], "a", "b", true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("784")
                .hasMessageContaining("783");
    }

    @Test
    void rejectsNonFiniteAndOutOfRangePixels() {
        float[] clean = new float[H * W];
        float[] nan = clean.clone();
        nan[17] = Float.NaN;
        assertThatThrownBy(() -> ImageGrid.render(TITLE,
                List.of(new GridColumn(clean, clean, "a", "b", true), new GridColumn(clean, nan, "a", "b", true)), H, W, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column 1: adversarial[17] is NaN");

        float[] normalised = clean.clone();
        normalised[3] = 2.5f;
        assertThatThrownBy(() -> ImageGrid.render(TITLE, List.of(new GridColumn(normalised, clean, "a", "b", true)), H, W, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("clean[3] = 2.5 is outside [0,1]");
    }

    @Test
    void toleratesFloatRoundOffAtTheRangeEdges() {
        float[] clean = new float[H * W];
        float[] adv = clean.clone();
        adv[0] = 1.00001f;
        adv[1] = -0.00001f;
        assertThat(ImageGrid.render(TITLE, List.of(new GridColumn(clean, adv, "a", "b", true)), H, W, 1)).isNotEmpty();
    }

    @Test
    void rejectsBadShapesAndEmptyInput() {
        List<GridColumn> cols = List.of(new GridColumn(new float[4], new float[4], "a", "b", true));
        assertThatThrownBy(() -> ImageGrid.render(TITLE, List.of(), H, W, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
        assertThatThrownBy(() -> ImageGrid.render(TITLE, cols, 2, 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channels must be 1");
        assertThatThrownBy(() -> ImageGrid.render(TITLE, cols, 0, 4, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> ImageGrid.render(TITLE, cols, 2, 2, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scale");
        assertThatThrownBy(() -> new GridColumn(null, new float[4], "a", "b", true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clean");
    }

    @Test
    void autoScaleTargetsAboutOneHundredPixels() {
        assertThat(ImageGrid.autoScale(28, 28)).isEqualTo(4);
        assertThat(ImageGrid.autoScale(32, 32)).isEqualTo(3);
        assertThat(ImageGrid.autoScale(224, 224)).isEqualTo(1);
        assertThat(ImageGrid.autoScale(8, 8)).isEqualTo(8);
    }
}
