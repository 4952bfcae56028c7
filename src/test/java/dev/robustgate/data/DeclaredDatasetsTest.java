package dev.robustgate.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The project's own datasets: image folders, NPZ/NPY, CSV; one clear error per bad file. */
class DeclaredDatasetsTest {
    @TempDir
    Path project;

    private DeclaredDatasets datasets() {
        return new DeclaredProject(project).datasets();
    }

    private void declare(String name, String json) throws IOException {
        new DeclaredProject(project).declare(name, json);
    }

    private static void png(Path file, int w, int h, int type, int rgb) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // A grey file stores its value as is; setRGB would convert through linear grey.
                if (type == BufferedImage.TYPE_BYTE_GRAY) img.getRaster().setSample(x, y, 0, rgb & 0xff);
                else img.setRGB(x, y, rgb);
            }
        }
        ImageIO.write(img, file.toString().endsWith(".png") ? "png" : "jpg", file.toFile());
    }

    @Test
    void anImageFolderGivesOneClassPerSortedSubfolderInZeroOne() throws IOException {
        png(project.resolve("data/acme/cat/a.png"), 4, 3, BufferedImage.TYPE_INT_RGB, 0xff0000);
        png(project.resolve("data/acme/cat/b.png"), 4, 3, BufferedImage.TYPE_BYTE_GRAY, 0x808080);
        png(project.resolve("data/acme/ant/c.png"), 4, 3, BufferedImage.TYPE_INT_RGB, 0x0000ff);
        declare("acme-test", "{\"format\": \"images\", \"path\": \"data/acme\", \"shape\": [3, 3, 4]}");

        Dataset d = datasets().load("acme-test", Split.TEST).orElseThrow();

        assertThat(d.classNames()).containsExactly("ant", "cat");
        assertThat(d.labels()).containsExactly(0, 1, 1);
        assertThat(d.sampleShape()).containsExactly(3, 3, 4);
        assertThat(d.features().getDouble(0, 2, 0, 0)).as("blue of the ant").isEqualTo(1.0);
        assertThat(d.features().getDouble(1, 0, 1, 1)).as("red of a").isEqualTo(1.0);
        assertThat(d.features().getDouble(2, 1, 0, 0)).as("grey file on three channels").isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.01));
        assertThat(d.contentHash()).matches("[0-9a-f]{64}");

        png(project.resolve("data/acme/ant/c.png"), 4, 3, BufferedImage.TYPE_INT_RGB, 0x0000fe);
        assertThat(datasets().load("acme-test", Split.TEST).orElseThrow().contentHash()).as("hash follows the bytes").isNotEqualTo(d.contentHash());
    }

    @Test
    void greyAndResizeAndDeclaredClassOrder() throws IOException {
        png(project.resolve("data/g/zero/a.png"), 8, 8, BufferedImage.TYPE_INT_RGB, 0xffffff);
        png(project.resolve("data/g/one/b.jpg"), 4, 4, BufferedImage.TYPE_INT_RGB, 0x000000);
        declare("g", "{\"format\": \"images\", \"path\": \"data/g\", \"shape\": [1, 4, 4], \"resize\": true, \"classes\": [\"zero\", \"one\"]}");

        Dataset d = datasets().load("g", Split.TEST).orElseThrow();

        assertThat(d.classNames()).containsExactly("zero", "one");
        assertThat(d.labels()).containsExactly(0, 1);
        assertThat(d.sampleShape()).containsExactly(1, 4, 4);
        assertThat(d.features().getDouble(0, 0, 2, 2)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void aBadImageFolderGetsOneClearLinePerBadFile() throws IOException {
        png(project.resolve("data/bad/cat/ok.png"), 4, 4, BufferedImage.TYPE_INT_RGB, 0);
        png(project.resolve("data/bad/cat/big.png"), 5, 4, BufferedImage.TYPE_INT_RGB, 0);
        Files.writeString(project.resolve("data/bad/cat/broken.png"), "not an image");
        declare("bad", "{\"format\": \"images\", \"path\": \"data/bad\", \"shape\": [3, 4, 4]}");

        assertThatThrownBy(() -> datasets().load("bad", Split.TEST))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("2 bad files:")
                .hasMessageContaining("big.png: image is 5x4, the dataset's images are 4x4 (declare \"resize\": true to scale them)")
                .hasMessageContaining("broken.png: unreadable image (javax.imageio cannot decode it)");

        png(project.resolve("data/bad2/cat/ok.png"), 4, 4, BufferedImage.TYPE_INT_RGB, 0);
        png(project.resolve("data/bad2/dgo/ok.png"), 4, 4, BufferedImage.TYPE_INT_RGB, 0);
        declare("bad2", "{\"format\": \"images\", \"path\": \"data/bad2\", \"shape\": [3, 4, 4], \"classes\": [\"cat\", \"dog\"]}");
        assertThatThrownBy(() -> datasets().load("bad2", Split.TEST))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("unknown class folder 'dgo' (declared classes: [cat, dog])");
    }

    @Test
    void aCsvMapsFeaturesToZeroOneByTheirDeclaredRanges() throws IOException {
        Files.createDirectories(project.resolve("data"));
        Files.writeString(project.resolve("data/t.csv"), "age,income,label\n18,0,0\n100,\"250000\",1\n59,125000,1\n");
        declare("t", "{\"format\": \"csv\", \"path\": \"data/t.csv\", \"label\": \"label\", "
                + "\"ranges\": {\"age\": [18, 100], \"income\": [0, 250000]}}");

        Dataset d = datasets().load("t", Split.TEST).orElseThrow();

        assertThat(d.sampleShape()).containsExactly(2);
        assertThat(d.labels()).containsExactly(0, 1, 1);
        assertThat(d.features().getDouble(1, 0)).isEqualTo(1.0);
        assertThat(d.features().getDouble(2, 0)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(d.features().getDouble(2, 1)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void aRaggedCsvRowIsOneLineNamingTheLine() throws IOException {
        Files.createDirectories(project.resolve("data"));
        Files.writeString(project.resolve("data/r.csv"), "a,b,label\n1,2,0\n1,2\n");
        declare("r", "{\"format\": \"csv\", \"path\": \"data/r.csv\", \"label\": \"label\", \"ranges\": {\"a\": [0, 5], \"b\": [0, 5]}}");

        assertThatThrownBy(() -> datasets().load("r", Split.TEST))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(project.resolve("data/r.csv") + ": ragged row: line 3 has 2 fields, the header has 3");
    }

    @Test
    void aCsvValueOutsideItsRangeOrWithoutARangeIsRefused() throws IOException {
        Files.createDirectories(project.resolve("data"));
        Files.writeString(project.resolve("data/o.csv"), "a,b,label\n9,2,0\n");
        declare("o", "{\"format\": \"csv\", \"path\": \"data/o.csv\", \"label\": \"label\", \"ranges\": {\"a\": [0, 5], \"b\": [0, 5]}}");
        assertThatThrownBy(() -> datasets().load("o", Split.TEST)).hasMessageContaining("line 2, column a: 9 is outside its declared range [0.0, 5.0]");
        declare("o", "{\"format\": \"csv\", \"path\": \"data/o.csv\", \"label\": \"label\", \"ranges\": {\"a\": [0, 10]}}");
        assertThatThrownBy(() -> datasets().load("o", Split.TEST)).hasMessageContaining("no declared range for feature(s) [b]");
    }

    @Test
    void anNpzOfUint8ImagesAndLabels() throws IOException {
        Path f = project.resolve("data/a.npz");
        Files.createDirectories(f.getParent());
        byte[] x = new byte[2 * 2 * 3];
        x[0] = (byte) 255;
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(f))) {
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write(npy("|u1", "(2, 2, 3)", x));
            zip.putNextEntry(new ZipEntry("y.npy"));
            ByteBuffer y = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1).putLong(0);
            zip.write(npy("<i8", "(2,)", y.array()));
        }
        Dataset d = new DatasetRegistry(List.of(), List.of(), null, null).withDeclarations(datasets()).load("data/a.npz", Split.TEST);

        assertThat(d.sampleShape()).containsExactly(1, 2, 3);
        assertThat(d.labels()).containsExactly(1, 0);
        assertThat(d.features().getDouble(0, 0, 0, 0)).isEqualTo(1.0);
        assertThat(d.contentHash()).matches("[0-9a-f]{64}");
    }

    @Test
    void anObjectArrayIsNeverUnpickled() throws IOException {
        Path f = project.resolve("o.npy");
        Files.write(f, npy("|O", "(2,)", new byte[16]));
        assertThatThrownBy(() -> NpyArray.read(f)).isInstanceOf(DataFormatException.class).hasMessageContaining("never unpickled");
    }

    @Test
    void anUnknownDatasetListsTheKnownOnesAndWhereToDeclareOne() throws IOException {
        declare("mine", "{\"format\": \"csv\", \"path\": \"m.csv\", \"label\": \"y\"}");
        DatasetRegistry registry = new DatasetRegistry(List.of(KnownDatasets.FASHION_MNIST), List.of(), null, null).withDeclarations(datasets());

        assertThatThrownBy(() -> registry.load("acme-tset", Split.TEST))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown dataset 'acme-tset'; known: fashion-mnist, mine, mnist")
                .hasMessageContaining("fixtures/datasets/NAME.json");
    }

    static byte[] npy(String descr, String shape, byte[] data) {
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + header.length() + 1;
        header = header + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(header.length() & 0xff);
        out.write(header.length() >> 8);
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(data);
        return out.toByteArray();
    }
}
