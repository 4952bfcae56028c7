package dev.robustgate.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Renders adversarial examples as a PNG a reviewer can read at a glance.
 *
 * <pre>
 * +---------------------------------------------------------------+
 * | PGD-Linf eps=0.1 on fashion-lenet                 fooled 2/3  |  title bar
 * +---------------------------------------------------------------+
 * |                 clean |  [img]     [img]     [img]             |
 * |                       |  Sneaker   Bag       Coat              |
 * | perturbation (±0.100) |  [delta]   [delta]   [delta]           |  blue = darker, red = brighter
 * |   [blue--white--red]  |  max 0.100 ...                          |
 * |           adversarial |  [img]     [img]     [img]             |
 * |                       |  Sandal (0.93) (red = fooled, green = held) |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Images are upscaled with nearest neighbour (pixels are written directly, never interpolated), so
 * every input pixel stays a crisp square. The perturbation row shows {@code adversarial - clean} on a
 * diverging map: white for no change, red where the adversarial pixel is brighter, blue where it is
 * darker, saturating at the largest {@code |delta|} over the whole grid (printed in the row label), so
 * columns are comparable with each other. For RGB inputs each pixel shows the channel whose delta has
 * the largest magnitude, with its sign.
 *
 * <p>Needs only {@code java.awt} in headless mode and a font (DejaVu via fontconfig on Debian).
 */
public final class ImageGrid {

    /** Pixels may overshoot {@code [0,1]} by this much (float round-off after clipping) and are clamped. */
    static final float RANGE_TOLERANCE = 1e-4f;

    /** The largest canvas we agree to allocate, in pixels (about 400 MB of int RGB). */
    static final long MAX_CANVAS_PIXELS = 100_000_000L;

    /** Adversarial caption colour when the attack fooled the model. */
    static final Color FOOLED = new Color(0xC6, 0x28, 0x28);
    /** Adversarial caption colour when the model held. */
    static final Color HELD = new Color(0x1B, 0x5E, 0x20);

    static final Color POSITIVE = new Color(0xB2, 0x18, 0x2B); // RdBu red end
    static final Color NEGATIVE = new Color(0x21, 0x66, 0xAC); // RdBu blue end

    private static final Color BACKGROUND = Color.WHITE;
    private static final Color TITLE_BAR = new Color(0x26, 0x32, 0x38);
    private static final Color TITLE_TEXT = Color.WHITE;
    private static final Color TITLE_SUBTEXT = new Color(0xB0, 0xBE, 0xC5);
    private static final Color LABEL_TEXT = new Color(0x37, 0x47, 0x4F);
    private static final Color CAPTION_TEXT = new Color(0x21, 0x21, 0x21);
    private static final Color MUTED_TEXT = new Color(0x75, 0x75, 0x75);
    private static final Color FRAME = new Color(0xB0, 0xB0, 0xB0);
    private static final Color SEPARATOR = new Color(0xE0, 0xE0, 0xE0);

    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    private static final Font SUBTITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 13);
    private static final Font CAPTION_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font ADV_CAPTION_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 12);
    private static final Font SMALL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 10);

    private static final int PAD = 14;
    private static final int TITLE_BAR_HEIGHT = 40;
    private static final int CELL_GAP = 14;
    private static final int MIN_CELL_WIDTH = 84;
    private static final int CAPTION_GAP = 4;
    private static final int ROW_GAP = 12;
    private static final int COLOR_BAR_WIDTH = 110;
    private static final int COLOR_BAR_HEIGHT = 8;
    private static final int TARGET_IMAGE_SIZE = 112;
    private static final int MAX_AUTO_SCALE = 8;

    private ImageGrid() {}

    /**
     * Renders the grid with an automatic upscale factor (about 112 px per image: 4x for 28x28, 3x for
     * 32x32, 1x for 224x224).
     *
     * @see #render(String, List, int, int, int, int)
     */
    public static byte[] render(String title, List<GridColumn> columns, int height, int width, int channels) {
        return render(title, columns, height, width, channels, autoScale(height, width));
    }

    /**
     * Renders the grid as PNG bytes.
     *
     * @param title    shown in the title bar, e.g. {@code "PGD-Linf eps=0.1 on fashion-lenet"}
     * @param columns  one column per example, at least one
     * @param height   image height H in pixels
     * @param width    image width W in pixels
     * @param channels 1 (grayscale) or 3 (RGB, channel-first)
     * @param scale    nearest-neighbour upscale factor, 1 to 32
     * @throws IllegalArgumentException naming the column and index of the first bad input
     */
    public static byte[] render(
            String title, List<GridColumn> columns, int height, int width, int channels, int scale) {
        return toPng(renderImage(title, columns, height, width, channels, scale));
    }

    /** The upscale factor {@link #render(String, List, int, int, int)} uses for an H x W image. */
    public static int autoScale(int height, int width) {
        int side = Math.max(1, Math.max(height, width));
        return Math.max(1, Math.min(MAX_AUTO_SCALE, TARGET_IMAGE_SIZE / side));
    }

    /** Encodes an image as PNG. */
    static byte[] toPng(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer available in javax.imageio");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode PNG", e);
        }
        return out.toByteArray();
    }

    /** Renders the grid; package-private so tests can sample pixels without a PNG round trip. */
    static BufferedImage renderImage(
            String title, List<GridColumn> columns, int height, int width, int channels, int scale) {
        int pixels = validate(title, columns, height, width, channels, scale);
        float deltaScale = maxAbsDelta(columns);
        Layout layout = new Layout(title, columns, height, width, scale, deltaScale);

        BufferedImage canvas = new BufferedImage(layout.canvasWidth, layout.canvasHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, layout.canvasWidth, layout.canvasHeight);
            drawTitleBar(g, layout, title, columns);
            drawRowLabels(g, layout, deltaScale);

            for (int col = 0; col < columns.size(); col++) {
                GridColumn c = columns.get(col);
                int x = layout.imageX(col);
                int[] rgb = new int[height * width];
                float[] delta = delta(c, pixels);

                toRgb(c.clean(), height, width, channels, rgb);
                blit(canvas, rgb, height, width, scale, x, layout.rowY[0]);
                toDivergingRgb(delta, height, width, channels, deltaScale, rgb);
                blit(canvas, rgb, height, width, scale, x, layout.rowY[1]);
                toRgb(c.adversarial(), height, width, channels, rgb);
                blit(canvas, rgb, height, width, scale, x, layout.rowY[2]);

                for (int row = 0; row < 3; row++) {
                    g.setColor(FRAME);
                    g.drawRect(x - 1, layout.rowY[row] - 1, layout.imageWidth + 1, layout.imageHeight + 1);
                }
                drawCaption(g, layout, col, 0, c.cleanCaption(), CAPTION_FONT, CAPTION_TEXT);
                drawCaption(g, layout, col, 1, "max |\u03b4| " + formatScale(maxAbs(delta)), SMALL_FONT, MUTED_TEXT);
                drawCaption(g, layout, col, 2, c.adversarialCaption(), ADV_CAPTION_FONT, captionColor(c.success()));
            }
        } finally {
            g.dispose();
        }
        return canvas;
    }

    /** The adversarial caption colour: red when the attack succeeded, dark green when the model held. */
    static Color captionColor(boolean success) {
        return success ? FOOLED : HELD;
    }

    /**
     * Maps a delta to the diverging colour map: white at 0, {@link #POSITIVE} at {@code +scale},
     * {@link #NEGATIVE} at {@code -scale}, linear in between and saturated beyond.
     */
    static int divergingRgb(float delta, float scale) {
        if (!(scale > 0f) || delta == 0f) {
            return 0xFFFFFF;
        }
        float t = Math.max(-1f, Math.min(1f, delta / scale));
        Color end = t > 0 ? POSITIVE : NEGATIVE;
        float a = Math.abs(t);
        int r = Math.round(255 + (end.getRed() - 255) * a);
        int gr = Math.round(255 + (end.getGreen() - 255) * a);
        int b = Math.round(255 + (end.getBlue() - 255) * a);
        return (r << 16) | (gr << 8) | b;
    }

    /** "0.100" for ordinary budgets, two significant digits below 0.01 (e.g. 2/255 = "0.0078"). */
    static String formatScale(float scale) {
        if (scale == 0f || scale >= 0.01f) {
            return String.format(Locale.ROOT, "%.3f", scale);
        }
        return String.format(Locale.ROOT, "%.2g", scale);
    }

    // ---------------------------------------------------------------- validation

    private static int validate(
            String title, List<GridColumn> columns, int height, int width, int channels, int scale) {
        if (title == null) {
            throw new IllegalArgumentException("title must not be null (use \"\" for none)");
        }
        if (columns == null || columns.isEmpty()) {
            throw new IllegalArgumentException("columns must contain at least one GridColumn");
        }
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image height and width must be positive, got H=" + height
                    + " W=" + width);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 (grayscale) or 3 (RGB), got " + channels);
        }
        if (scale < 1 || scale > 32) {
            throw new IllegalArgumentException("scale must be between 1 and 32, got " + scale);
        }
        long expected = (long) height * width * channels;
        if (expected > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("H*W*C = " + expected + " is too large");
        }
        for (int col = 0; col < columns.size(); col++) {
            GridColumn c = columns.get(col);
            if (c == null) {
                throw new IllegalArgumentException("column " + col + " is null");
            }
            checkPixels(col, "clean", c.clean(), expected, height, width, channels);
            checkPixels(col, "adversarial", c.adversarial(), expected, height, width, channels);
        }
        return (int) expected;
    }

    private static void checkPixels(
            int col, String which, float[] px, long expected, int height, int width, int channels) {
        if (px.length != expected) {
            throw new IllegalArgumentException("column " + col + ": " + which + " has " + px.length
                    + " values, expected " + expected + " (H=" + height + " x W=" + width + " x C=" + channels
                    + ")");
        }
        for (int i = 0; i < px.length; i++) {
            float v = px[i];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("column " + col + ": " + which + "[" + i + "] is " + v
                        + "; pixels must be finite");
            }
            if (v < -RANGE_TOLERANCE || v > 1f + RANGE_TOLERANCE) {
                throw new IllegalArgumentException("column " + col + ": " + which + "[" + i + "] = " + v
                        + " is outside [0,1]; pass unnormalised pixels");
            }
        }
    }

    // ---------------------------------------------------------------- pixels

    private static float[] delta(GridColumn c, int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = c.adversarial()[i] - c.clean()[i];
        }
        return d;
    }

    private static float maxAbs(float[] values) {
        float m = 0f;
        for (float v : values) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static float maxAbsDelta(List<GridColumn> columns) {
        float m = 0f;
        for (GridColumn c : columns) {
            float[] a = c.adversarial();
            float[] b = c.clean();
            for (int i = 0; i < a.length; i++) {
                m = Math.max(m, Math.abs(a[i] - b[i]));
            }
        }
        return m;
    }

    private static int gray(float v) {
        return Math.round(Math.max(0f, Math.min(1f, v)) * 255f);
    }

    private static void toRgb(float[] px, int height, int width, int channels, int[] out) {
        int plane = height * width;
        for (int i = 0; i < plane; i++) {
            if (channels == 1) {
                int v = gray(px[i]);
                out[i] = (v << 16) | (v << 8) | v;
            } else {
                out[i] = (gray(px[i]) << 16) | (gray(px[plane + i]) << 8) | gray(px[2 * plane + i]);
            }
        }
    }

    private static void toDivergingRgb(float[] delta, int height, int width, int channels, float scale, int[] out) {
        int plane = height * width;
        for (int i = 0; i < plane; i++) {
            float d = delta[i];
            for (int ch = 1; ch < channels; ch++) {
                float other = delta[ch * plane + i];
                if (Math.abs(other) > Math.abs(d)) {
                    d = other;
                }
            }
            out[i] = divergingRgb(d, scale);
        }
    }

    /** Nearest-neighbour upscale by writing each source pixel as a scale x scale block. */
    private static void blit(BufferedImage canvas, int[] rgb, int height, int width, int scale, int x0, int y0) {
        int[] line = new int[width * scale];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = rgb[y * width + x];
                for (int k = 0; k < scale; k++) {
                    line[x * scale + k] = v;
                }
            }
            for (int k = 0; k < scale; k++) {
                canvas.setRGB(x0, y0 + y * scale + k, line.length, 1, line, 0, line.length);
            }
        }
    }

    // ---------------------------------------------------------------- text

    private static void drawTitleBar(Graphics2D g, Layout layout, String title, List<GridColumn> columns) {
        g.setColor(TITLE_BAR);
        g.fillRect(0, 0, layout.canvasWidth, TITLE_BAR_HEIGHT);
        g.setFont(TITLE_FONT);
        FontMetrics fm = g.getFontMetrics();
        int baseline = (TITLE_BAR_HEIGHT - fm.getHeight()) / 2 + fm.getAscent();
        g.setColor(TITLE_TEXT);
        g.drawString(title, PAD, baseline);

        g.setFont(SUBTITLE_FONT);
        FontMetrics sm = g.getFontMetrics();
        String summary = summary(columns);
        g.setColor(TITLE_SUBTEXT);
        g.drawString(summary, layout.canvasWidth - PAD - sm.stringWidth(summary), baseline);
    }

    static String summary(List<GridColumn> columns) {
        long fooled = columns.stream().filter(GridColumn::success).count();
        return "fooled " + fooled + "/" + columns.size();
    }

    static String perturbationLabel(float deltaScale) {
        return "perturbation (\u00b1" + formatScale(deltaScale) + ")";
    }

    private static void drawRowLabels(Graphics2D g, Layout layout, float deltaScale) {
        String[] labels = {"clean", perturbationLabel(deltaScale), "adversarial"};
        g.setFont(LABEL_FONT);
        FontMetrics fm = g.getFontMetrics();
        int right = layout.labelWidth - PAD;
        for (int row = 0; row < 3; row++) {
            int blockHeight = row == 1 ? fm.getHeight() + 6 + COLOR_BAR_HEIGHT + 2 + SMALL_FONT.getSize() + 2
                    : fm.getHeight();
            int top = layout.rowY[row] + Math.max(0, (layout.imageHeight - blockHeight) / 2);
            g.setColor(LABEL_TEXT);
            g.setFont(LABEL_FONT);
            g.drawString(labels[row], right - fm.stringWidth(labels[row]), top + fm.getAscent());
            if (row == 1) {
                drawColorBar(g, right - COLOR_BAR_WIDTH, top + fm.getHeight() + 6, deltaScale);
            }
        }
        // a faint rule between the label column and the images
        g.setColor(SEPARATOR);
        g.drawLine(layout.labelWidth - PAD / 2, TITLE_BAR_HEIGHT + PAD / 2,
                layout.labelWidth - PAD / 2, layout.canvasHeight - PAD / 2);
    }

    private static void drawColorBar(Graphics2D g, int x, int y, float deltaScale) {
        for (int i = 0; i < COLOR_BAR_WIDTH; i++) {
            float t = (i + 0.5f) / COLOR_BAR_WIDTH * 2f - 1f;
            g.setColor(new Color(divergingRgb(t, 1f)));
            g.drawLine(x + i, y, x + i, y + COLOR_BAR_HEIGHT - 1);
        }
        g.setColor(FRAME);
        g.drawRect(x - 1, y - 1, COLOR_BAR_WIDTH + 1, COLOR_BAR_HEIGHT + 1);
        g.setFont(SMALL_FONT);
        FontMetrics fm = g.getFontMetrics();
        int baseline = y + COLOR_BAR_HEIGHT + 2 + fm.getAscent();
        g.setColor(MUTED_TEXT);
        String lo = "darker";
        String hi = "brighter";
        g.drawString(lo, x, baseline);
        g.drawString(hi, x + COLOR_BAR_WIDTH - fm.stringWidth(hi), baseline);
    }

    private static void drawCaption(Graphics2D g, Layout layout, int col, int row, String text, Font font, Color color) {
        if (text.isEmpty()) {
            return;
        }
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        String shown = ellipsize(text, fm, layout.cellWidth - 4);
        int center = layout.imageX(col) + layout.imageWidth / 2;
        int baseline = layout.rowY[row] + layout.imageHeight + CAPTION_GAP + fm.getAscent();
        g.setColor(color);
        g.drawString(shown, center - fm.stringWidth(shown) / 2, baseline);
    }

    private static String ellipsize(String text, FontMetrics fm, int maxWidth) {
        if (fm.stringWidth(text) <= maxWidth) {
            return text;
        }
        String dots = "\u2026";
        int end = text.length();
        while (end > 0 && fm.stringWidth(text.substring(0, end) + dots) > maxWidth) {
            end--;
        }
        return text.substring(0, end) + dots;
    }

    /** Where things go, for tests that sample pixels; validates like {@link #render}. */
    static Layout layout(String title, List<GridColumn> columns, int height, int width, int channels, int scale) {
        validate(title, columns, height, width, channels, scale);
        return new Layout(title, columns, height, width, scale, maxAbsDelta(columns));
    }

    /** All pixel positions, computed once from font metrics and the image size. */
    static final class Layout {
        final int imageWidth;
        final int imageHeight;
        final int labelWidth;
        final int cellWidth;
        final int canvasWidth;
        final int canvasHeight;
        final int[] rowY = new int[3];

        Layout(String title, List<GridColumn> columns, int height, int width, int scale, float deltaScale) {
            imageWidth = width * scale;
            imageHeight = height * scale;
            // Measure text on a scratch graphics: metrics do not depend on the canvas size.
            BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = scratch.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
                FontMetrics label = g.getFontMetrics(LABEL_FONT);
                int widest = Math.max(COLOR_BAR_WIDTH,
                        Math.max(label.stringWidth("adversarial"), label.stringWidth(perturbationLabel(deltaScale))));
                labelWidth = PAD + widest + PAD + PAD / 2;
                cellWidth = Math.max(imageWidth, MIN_CELL_WIDTH) + CELL_GAP;

                FontMetrics caption = g.getFontMetrics(ADV_CAPTION_FONT);
                int labelBlock = label.getHeight() + 6 + COLOR_BAR_HEIGHT + 2 + SMALL_FONT.getSize() + 2;
                int rowHeight = Math.max(imageHeight, labelBlock) + CAPTION_GAP + caption.getHeight() + ROW_GAP;
                int y = TITLE_BAR_HEIGHT + PAD;
                for (int row = 0; row < 3; row++) {
                    rowY[row] = y;
                    y += rowHeight;
                }
                int gridWidth = labelWidth + columns.size() * cellWidth + PAD - CELL_GAP / 2;
                int titleWidth = PAD + g.getFontMetrics(TITLE_FONT).stringWidth(title) + 3 * PAD
                        + g.getFontMetrics(SUBTITLE_FONT).stringWidth(summary(columns)) + PAD;
                canvasWidth = Math.max(gridWidth, titleWidth);
                canvasHeight = y - ROW_GAP + PAD;
            } finally {
                g.dispose();
            }
            if ((long) canvasWidth * canvasHeight > MAX_CANVAS_PIXELS) {
                throw new IllegalArgumentException("grid would be " + canvasWidth + "x" + canvasHeight
                        + " pixels; render fewer columns or a smaller scale");
            }
        }

        int imageX(int col) {
            return labelWidth + col * cellWidth + (cellWidth - CELL_GAP - imageWidth) / 2 + CELL_GAP / 2;
        }
    }
}
