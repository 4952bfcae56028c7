package dev.robustgate.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** ImageFolderReader on generated PNGs: channels, bit depths, shape inference, resizing, labels, hashes, refusals. */
class ImageFolderReaderTest {
    @TempDir
    Path root;

    private static DatasetDeclaration decl(long[] shape, boolean resize, List<String> classes) {
        return new DatasetDeclaration("imgs", "images", "x", null, shape, resize, classes, null, null, null, null, null, null, null);
    }

    private Dataset read(long[] shape, boolean resize, List<String> classes) {
        return ImageFolderReader.read("imgs", Split.TEST, root, decl(shape, resize, classes));
    }

    /** A w x h PNG (or JPEG by name) of one colour; grey types store {@code value} as the sample itself. */
    private void image(String rel, int w, int h, int type, int value) throws IOException {
        Path file = root.resolve(rel);
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (type == BufferedImage.TYPE_BYTE_GRAY || type == BufferedImage.TYPE_USHORT_GRAY) img.getRaster().setSample(x, y, 0, value);
                else img.setRGB(x, y, value);
            }
        }
        String lower = rel.toLowerCase();
        ImageIO.write(img, lower.endsWith(".png") ? "png" : "jpg", file.toFile());
    }

    @Test
    void colourImagesAreChwInTheUnitIntervalWithTheShapeOfTheFirst() throws IOException {
        image("b/one.png", 3, 2, BufferedImage.TYPE_INT_RGB, 0x336699);
        image("a/two.png", 3, 2, BufferedImage.TYPE_INT_RGB, 0xff0000);
        Dataset d = read(null, false, null);
        assertThat(d.classNames()).containsExactly("a", "b");
        assertThat(d.labels()).containsExactly(0, 1);
        assertThat(d.sampleShape()).containsExactly(3, 2, 3);
        assertThat(d.features().getFloat(1, 0, 1, 2)).isEqualTo(0x33 / 255f);
        assertThat(d.features().getFloat(1, 1, 0, 0)).isEqualTo(0x66 / 255f);
        assertThat(d.features().getFloat(1, 2, 1, 1)).isEqualTo(0x99 / 255f);
        assertThat(d.features().getFloat(0, 0, 0, 0)).isEqualTo(1f);
        assertThat(d.features().getFloat(0, 1, 0, 0)).isZero();
        assertThat(d.provenance()).isEqualTo("imgs test (2 images, " + root + ")");
        assertThat(d.name()).isEqualTo("imgs");
        assertThat(d.split()).isEqualTo(Split.TEST);
    }

    @Test
    void greyFilesKeepTheirValueAtEveryBitDepth() throws IOException {
        image("a/g8.png", 2, 2, BufferedImage.TYPE_BYTE_GRAY, 51);
        image("a/g16.png", 2, 2, BufferedImage.TYPE_USHORT_GRAY, 13107);
        Dataset d = read(null, false, null);
        assertThat(d.sampleShape()).containsExactly(1, 2, 2);
        assertThat(d.features().getFloat(0, 0, 1, 1)).isEqualTo(13107 / 65535f);
        assertThat(d.features().getFloat(1, 0, 0, 1)).isEqualTo(51 / 255f);
        // The same grey files read as RGB: the value on all three channels.
        Dataset rgb = read(new long[]{3, 2, 2}, false, null);
        for (int c = 0; c < 3; c++) assertThat(rgb.features().getFloat(1, c, 1, 0)).isEqualTo(51 / 255f);
    }

    @Test
    void colourReadAsGreyIsTheRec601Luma() throws IOException {
        image("a/c.png", 2, 2, BufferedImage.TYPE_INT_RGB, 0x804020);
        Dataset d = read(new long[]{1, 2, 2}, false, null);
        float expected = 0.299f * (0x80 / 255f) + 0.587f * (0x40 / 255f) + 0.114f * (0x20 / 255f);
        assertThat(d.features().getFloat(0, 0, 1, 1)).isCloseTo(expected, within(1e-6f));
    }

    @Test
    void otherSizesAreRefusedOrResized() throws IOException {
        image("a/small.png", 2, 2, BufferedImage.TYPE_INT_RGB, 0xffffff);
        image("a/wide.png", 4, 2, BufferedImage.TYPE_INT_RGB, 0xffffff);
        image("a/tall.png", 2, 4, BufferedImage.TYPE_INT_RGB, 0xffffff);
        assertThatThrownBy(() -> read(new long[]{3, 2, 2}, false, null)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("2 bad files:")
                .hasMessageContaining("tall.png: image is 2x4, the dataset's images are 2x2")
                .hasMessageContaining("wide.png: image is 4x2");
        Dataset d = read(new long[]{3, 2, 2}, true, null);
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.features().minNumber().floatValue()).isEqualTo(1f);
        Dataset up = read(new long[]{3, 3, 5}, true, null);
        assertThat(up.sampleShape()).containsExactly(3, 3, 5);
    }

    @Test
    void declaredClassesSetTheLabelsAndMayHaveNoFolder() throws IOException {
        image("cat/x.png", 2, 2, BufferedImage.TYPE_INT_RGB, 0);
        image("ant/y.png", 2, 2, BufferedImage.TYPE_INT_RGB, 0);
        image("ant/z.jpeg", 2, 2, BufferedImage.TYPE_INT_RGB, 0);
        Dataset d = read(null, false, List.of("cat", "bee", "ant"));
        assertThat(d.classNames()).containsExactly("cat", "bee", "ant");
        assertThat(d.labels()).containsExactly(0, 2, 2);
    }

    @Test
    void theHashFollowsNamesBytesAndDeclaration() throws IOException {
        image("a/x.png", 2, 2, BufferedImage.TYPE_INT_RGB, 0x101010);
        String h = read(null, false, null).contentHash();
        assertThat(read(null, false, null).contentHash()).isEqualTo(h).hasSize(64);
        assertThat(read(new long[]{3, 2, 2}, false, null).contentHash()).isNotEqualTo(h);
        assertThat(read(null, true, null).contentHash()).isNotEqualTo(h);
        assertThat(ImageFolderReader.read("other", Split.TEST, root, decl(null, false, null)).contentHash()).isNotEqualTo(h);
        Files.move(root.resolve("a/x.png"), root.resolve("a/y.png"));
        assertThat(read(null, false, null).contentHash()).isNotEqualTo(h);
    }

    @Test
    void hiddenFilesAreIgnored() throws IOException {
        image("a/x.png", 2, 2, BufferedImage.TYPE_INT_RGB, 0);
        Files.writeString(root.resolve("a/.DS_Store"), "junk");
        Files.createDirectories(root.resolve(".git"));
        Files.writeString(root.resolve(".hidden"), "junk");
        assertThat(read(null, false, null).size()).isEqualTo(1);
    }

    @Test
    void problemsAreListedOneLineEach() throws IOException {
        image("a/x.png", 2, 2, BufferedImage.TYPE_INT_RGB, 0);
        Files.writeString(root.resolve("a/notes.txt"), "hi");
        Files.writeString(root.resolve("a/broken.jpg"), "not an image");
        assertThatThrownBy(() -> read(null, false, null))
                .hasMessageContaining("notes.txt: not a PNG or JPEG file (by its name)")
                .hasMessageContaining("broken.jpg: unreadable image (javax.imageio cannot decode it)");
    }

    @Test
    void theFolderItselfMustHoldClassFoldersOnly(@TempDir Path other) throws IOException {
        assertThatThrownBy(() -> ImageFolderReader.read("imgs", Split.TEST, other.resolve("none"), decl(null, false, null)))
                .isInstanceOf(DataUnavailableException.class).hasMessageContaining("no such image folder (dataset imgs)");
        assertThatThrownBy(() -> read(null, false, null)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("no class subfolders");
        Files.createDirectories(root.resolve("a"));
        assertThatThrownBy(() -> read(null, false, null)).hasMessageContaining("no images in the class folders [a]");
        image("a/x.png", 2, 2, BufferedImage.TYPE_INT_RGB, 0);
        Files.writeString(root.resolve("stray.png"), "x");
        assertThatThrownBy(() -> read(null, false, null))
                .hasMessageContaining("stray.png: a file directly in the image folder; put each image in its class's subfolder");
        Files.delete(root.resolve("stray.png"));
        assertThatThrownBy(() -> read(null, false, List.of("b")))
                .hasMessageContaining("unknown class folder 'a' (declared classes: [b])");
    }
}
