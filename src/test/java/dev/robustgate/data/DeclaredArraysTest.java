package dev.robustgate.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DeclaredDatasets beyond the happy paths of DeclaredDatasetsTest: NPZ/NPY arrays of every accepted rank and
 * layout and each refusal; what the content hash follows; declarations, paths, splits and names.
 */
class DeclaredArraysTest {
    @TempDir
    Path project;

    private DeclaredDatasets datasets() {
        return new DeclaredProject(project).datasets();
    }

    private void declare(String name, String json) throws IOException {
        new DeclaredProject(project).declare(name, json);
    }

    private static byte[] f4(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    private static byte[] f8(double... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) b.putDouble(x);
        return b.array();
    }

    /** An .npz at {@code rel} with the given entries (name -> .npy bytes). */
    private Path npz(String rel, Map<String, byte[]> entries) throws IOException {
        Path f = project.resolve(rel);
        Files.createDirectories(f.getParent());
        try (OutputStream out = Files.newOutputStream(f); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (var e : new java.util.TreeMap<>(entries).entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                zip.write(e.getValue());
            }
        }
        return f;
    }

    private static DatasetDeclaration npzDecl(String path, String x, String y, String layout, List<String> classes, long[] shape) {
        return new DatasetDeclaration("n", "npz", path, null, shape, false, classes, x, y, null, layout, null, null, null);
    }

    private Dataset loadNpz(DatasetDeclaration d) {
        return datasets().load("n", d, Split.TEST);
    }

    @Test
    void floatArraysOfRankTwoThreeAndFour() throws IOException {
        npz("d/flat.npz", Map.of("x", NpyArrayTest.npy("<f4", "(2, 3)", f4(0, 0.5f, 1, 0.25f, 0.75f, 0.125f)),
                "y", NpyArrayTest.npy("<f8", "(2,)", f8(2, 0))));
        Dataset flat = loadNpz(npzDecl("d/flat.npz", null, null, null, null, null));
        assertThat(flat.sampleShape()).containsExactly(3);
        assertThat(flat.features().toFloatMatrix()[1]).containsExactly(0.25f, 0.75f, 0.125f);
        assertThat(flat.labels()).containsExactly(2, 0);
        assertThat(flat.classNames()).containsExactly("0", "1", "2");
        assertThat(flat.provenance()).isEqualTo("n test (2 samples, " + project.resolve("d/flat.npz") + ")");

        npz("d/hw.npz", Map.of("x", NpyArrayTest.npy("|u1", "(1, 2, 2)", new byte[]{0, 51, (byte) 102, (byte) 255}),
                "y", NpyArrayTest.npy("|u1", "(1,)", new byte[]{0})));
        Dataset hw = loadNpz(npzDecl("d/hw.npz", null, null, null, null, null));
        assertThat(hw.sampleShape()).containsExactly(1, 2, 2);
        assertThat(hw.features().getFloat(0, 0, 0, 1)).isEqualTo(0.2f);
        assertThat(hw.features().getFloat(0, 0, 1, 1)).isEqualTo(1f);
        assertThat(hw.classNames()).containsExactly("0");
    }

    @Test
    void nhwcArraysArePermutedToNchw() throws IOException {
        // One 1x2 image with 3 channels: pixel (0,0) = (0.1, 0.2, 0.3), pixel (0,1) = (0.4, 0.5, 0.6).
        byte[] x = NpyArrayTest.npy("<f4", "(1, 1, 2, 3)", f4(0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f));
        npz("d/nhwc.npz", Map.of("x", x, "y", NpyArrayTest.npy("|u1", "(1,)", new byte[]{0})));
        Dataset d = loadNpz(npzDecl("d/nhwc.npz", null, null, "nhwc", null, null));
        assertThat(d.sampleShape()).containsExactly(3, 1, 2);
        assertThat(d.features().getFloat(0, 1, 0, 1)).isEqualTo(0.5f);
        assertThat(d.features().getFloat(0, 2, 0, 0)).isEqualTo(0.3f);
        Dataset asIs = loadNpz(npzDecl("d/nhwc.npz", null, null, null, null, null));
        assertThat(asIs.sampleShape()).containsExactly(1, 2, 3);
        assertThat(asIs.features().getFloat(0, 0, 1, 0)).isEqualTo(0.4f);
        assertThat(asIs.contentHash()).as("the layout is part of the hash").isNotEqualTo(d.contentHash());
    }

    @Test
    void namedEntriesAndTheirAbsence() throws IOException {
        npz("d/k.npz", Map.of("images", NpyArrayTest.npy("<f4", "(1, 2)", f4(0, 1)), "targets", NpyArrayTest.npy("|u1", "(1,)", new byte[]{1})));
        Dataset d = loadNpz(npzDecl("d/k.npz", "images", "targets", null, null, null));
        assertThat(d.labels()).containsExactly(1);
        assertThatThrownBy(() -> loadNpz(npzDecl("d/k.npz", null, "targets", null, null, null)))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("no array 'x' (arrays: [images, targets]); name them in the declaration (\"x\", \"y\")");
        assertThatThrownBy(() -> loadNpz(npzDecl("d/k.npz", "images", null, null, null, null)))
                .hasMessageContaining("no array 'y' (arrays: [images, targets])");
    }

    @Test
    void badArraysAreRefusedWithTheirShapeOrValue() throws IOException {
        byte[] y1 = NpyArrayTest.npy("|u1", "(1,)", new byte[]{0});
        npz("d/r1.npz", Map.of("x", NpyArrayTest.npy("<f4", "(2,)", f4(0, 1)), "y", NpyArrayTest.npy("|u1", "(2,)", new byte[2])));
        assertThatThrownBy(() -> loadNpz(npzDecl("d/r1.npz", null, null, null, null, null)))
                .hasMessageContaining("x has shape [2]; expected [N, D], [N, H, W] or [N, C, H, W]");
        npz("d/r5.npz", Map.of("x", NpyArrayTest.npy("<f4", "(1, 1, 1, 1, 1)", f4(0)), "y", y1));
        assertThatThrownBy(() -> loadNpz(npzDecl("d/r5.npz", null, null, null, null, null))).hasMessageContaining("x has shape [1, 1, 1, 1, 1]");
        npz("d/r4.npz", Map.of("x", NpyArrayTest.npy("<f4", "(1, 1, 1, 1)", f4(0)), "y", y1));
        assertThat(loadNpz(npzDecl("d/r4.npz", null, null, null, null, null)).sampleShape()).containsExactly(1, 1, 1);

        npz("d/y2.npz", Map.of("x", NpyArrayTest.npy("<f4", "(2, 1)", f4(0, 1)), "y", NpyArrayTest.npy("|u1", "(2, 1)", new byte[2])));
        assertThatThrownBy(() -> loadNpz(npzDecl("d/y2.npz", null, null, null, null, null)))
                .hasMessageContaining("y has shape [2, 1]; expected [2], one label per sample");
        npz("d/y3.npz", Map.of("x", NpyArrayTest.npy("<f4", "(2, 1)", f4(0, 1)), "y", NpyArrayTest.npy("|u1", "(3,)", new byte[3])));
        assertThatThrownBy(() -> loadNpz(npzDecl("d/y3.npz", null, null, null, null, null))).hasMessageContaining("y has shape [3]");

        npz("d/big.npz", Map.of("x", NpyArrayTest.npy("<f4", "(1, 2)", f4(0.5f, 1.5f)), "y", y1));
        assertThatThrownBy(() -> loadNpz(npzDecl("d/big.npz", null, null, null, null, null)))
                .hasMessageContaining("x[1] = 1.5 is outside [0, 1] (store pixels as floats in [0, 1] or as uint8)");
        npz("d/neg.npz", Map.of("x", NpyArrayTest.npy("<f4", "(1, 2)", f4(-0.5f, 0)), "y", y1));
        assertThatThrownBy(() -> loadNpz(npzDecl("d/neg.npz", null, null, null, null, null))).hasMessageContaining("x[0] = -0.5 is outside");
        npz("d/nan.npz", Map.of("x", NpyArrayTest.npy("<f4", "(1, 1)", f4(Float.NaN)), "y", y1));
        assertThatThrownBy(() -> loadNpz(npzDecl("d/nan.npz", null, null, null, null, null))).hasMessageContaining("x[0] = NaN is outside");
        // A uint16 image is not scaled: 2 is outside [0, 1].
        npz("d/u2.npz", Map.of("x", NpyArrayTest.npy("<u2", "(1, 1)", new byte[]{2, 0}), "y", y1));
        assertThatThrownBy(() -> loadNpz(npzDecl("d/u2.npz", null, null, null, null, null))).hasMessageContaining("x[0] = 2.0 is outside");

        byte[] x2 = NpyArrayTest.npy("<f4", "(2, 1)", f4(0, 1));
        npz("d/frac.npz", Map.of("x", x2, "y", NpyArrayTest.npy("<f8", "(2,)", f8(0, 1.5))));
        assertThatThrownBy(() -> loadNpz(npzDecl("d/frac.npz", null, null, null, null, null)))
                .hasMessageContaining("y[1] = 1.5 is not a class index >= 0");
        npz("d/neglabel.npz", Map.of("x", x2, "y", NpyArrayTest.npy("<f8", "(2,)", f8(-1, 0))));
        assertThatThrownBy(() -> loadNpz(npzDecl("d/neglabel.npz", null, null, null, null, null))).hasMessageContaining("y[0] = -1.0 is not a class index");
        npz("d/ok.npz", Map.of("x", x2, "y", NpyArrayTest.npy("<f8", "(2,)", f8(1, 0))));
        assertThatThrownBy(() -> loadNpz(npzDecl("d/ok.npz", null, null, null, List.of("a"), null)))
                .hasMessageContaining("label 1 is outside the 1 declared classes");
        assertThat(loadNpz(npzDecl("d/ok.npz", null, null, null, List.of("a", "b"), null)).classNames()).containsExactly("a", "b");
    }

    @Test
    void theDeclaredShapeMustMatch() throws IOException {
        npz("d/s.npz", Map.of("x", NpyArrayTest.npy("<f4", "(1, 2)", f4(0, 1)), "y", NpyArrayTest.npy("|u1", "(1,)", new byte[1])));
        assertThat(loadNpz(npzDecl("d/s.npz", null, null, null, null, new long[]{2})).size()).isEqualTo(1);
        assertThatThrownBy(() -> loadNpz(npzDecl("d/s.npz", null, null, null, null, new long[]{3})))
                .hasMessageContaining("samples have shape [2], the declaration says [3]");
    }

    @Test
    void npyWithALabelsFileAndWhatTheHashFollows() throws IOException {
        Path x = project.resolve("d/x.npy");
        Files.createDirectories(x.getParent());
        Files.write(x, NpyArrayTest.npy("<f4", "(2, 1)", f4(0, 1)));
        Files.write(project.resolve("d/y.npy"), NpyArrayTest.npy("|u1", "(2,)", new byte[]{1, 0}));
        DatasetDeclaration d = new DatasetDeclaration("p", "npy", "d/x.npy", null, null, false, null, "ignored", "ignored", "d/y.npy",
                null, null, null, null);
        Dataset a = datasets().load("p", d, Split.TEST);
        assertThat(a.labels()).containsExactly(1, 0);
        Files.write(project.resolve("d/y.npy"), NpyArrayTest.npy("|u1", "(2,)", new byte[]{0, 1}));
        Dataset b = datasets().load("p", d, Split.TEST);
        assertThat(b.labels()).containsExactly(0, 1);
        assertThat(b.contentHash()).as("the labels file is hashed too").isNotEqualTo(a.contentHash());

        npz("d/h.npz", Map.of("x", NpyArrayTest.npy("<f4", "(1, 1)", f4(0)), "y", NpyArrayTest.npy("|u1", "(1,)", new byte[1]),
                "x2", NpyArrayTest.npy("<f4", "(1, 1)", f4(0))));
        String h = loadNpz(npzDecl("d/h.npz", null, null, null, null, null)).contentHash();
        assertThat(loadNpz(npzDecl("d/h.npz", null, null, null, null, null)).contentHash()).isEqualTo(h);
        assertThat(loadNpz(npzDecl("d/h.npz", "x2", null, null, null, null)).contentHash()).isNotEqualTo(h);
        assertThat(loadNpz(npzDecl("d/h.npz", null, null, null, List.of("a"), null)).contentHash()).isNotEqualTo(h);
    }

    @Test
    void splitsFilesAndPaths() throws IOException {
        npz("d/t.npz", Map.of("x", NpyArrayTest.npy("<f4", "(1, 1)", f4(0)), "y", NpyArrayTest.npy("|u1", "(1,)", new byte[1])));
        DatasetDeclaration testOnly = npzDecl("d/t.npz", null, null, null, null, null);
        assertThatThrownBy(() -> datasets().load("n", testOnly, Split.TRAIN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dataset 'n' declares no train split (give \"train\" in "
                        + project.resolve("fixtures/datasets/n.json") + ")");
        DatasetDeclaration withTrain = new DatasetDeclaration("n", "npz", "d/t.npz", "d/train.npz", null, false, null, null, null, null,
                null, null, null, null);
        assertThatThrownBy(() -> datasets().load("n", withTrain, Split.TRAIN)).isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining(project.resolve("d/train.npz") + ": no such file (dataset n, train split)");
        DatasetDeclaration folder = new DatasetDeclaration("i", "images", "d/none", null, null, false, null, null, null, null,
                null, null, null, null);
        assertThatThrownBy(() -> datasets().load("i", folder, Split.TEST)).hasMessageContaining("no such folder (dataset i, test split)");

        // A bare path: test split only; a path that does not exist says so.
        assertThat(datasets().load("d/t.npz", Split.TEST).orElseThrow().size()).isEqualTo(1);
        assertThatThrownBy(() -> datasets().load("d/t.npz", Split.TRAIN)).hasMessageContaining("--data d/t.npz: a bare path has only a test split");
        assertThatThrownBy(() -> datasets().load("d/missing.npz", Split.TEST)).isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining("no such file or folder (--data d/missing.npz)");
        // A declaration given as a path is read with its file name as the dataset's name.
        Files.writeString(project.resolve("d/own.json"), "{\"format\": \"npz\", \"path\": \"d/t.npz\"}");
        Dataset own = datasets().load("d/own.json", Split.TEST).orElseThrow();
        assertThat(own.name()).isEqualTo("own");
        // Neither a path nor a declared name: empty.
        assertThat(datasets().load("nothing", Split.TEST)).isEmpty();
    }

    @Test
    void whatCountsAsAPath() {
        for (String p : List.of("a/b", "a\\b", "x.json", "x.NPZ", "x.npy", "x.Csv")) assertThat(DeclaredDatasets.isPath(p)).as(p).isTrue();
        for (String n : List.of("mnist", "fashion-mnist", "json", "x.png")) assertThat(DeclaredDatasets.isPath(n)).as(n).isFalse();
    }

    @Test
    void declarationsAreReadStrictly() throws IOException {
        assertThat(datasets().names()).isEmpty();
        declare("good", "{\"name\": \"good\", \"format\": \"npz\", \"path\": \"d/t.npz\", \"description\": \"ignored\"}");
        declare("other", "{\"name\": \"else\", \"format\": \"npz\", \"path\": \"d/t.npz\"}");
        declare("typo", "{\"format\": \"npz\", \"path\": \"d/t.npz\", \"shpe\": [1]}");
        declare("noformat", "{\"path\": \"d/t.npz\"}");
        Files.writeString(project.resolve("fixtures/datasets/readme.txt"), "not a declaration");
        assertThat(datasets().names()).containsExactly("good", "noformat", "other", "typo");
        assertThat(datasets().declaration("good").orElseThrow().format()).isEqualTo("npz");
        assertThat(datasets().declaration("absent")).isEmpty();
        assertThat(datasets().declaration("d/good")).isEmpty();
        assertThatThrownBy(() -> datasets().declaration("other")).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("declares dataset 'else' but the file is named for 'other'");
        assertThatThrownBy(() -> datasets().declaration("typo")).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("not a valid dataset declaration: ").hasMessageContaining("shpe");
        assertThatThrownBy(() -> datasets().declaration("noformat")).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("format must be one of [images, npz, npy, csv], got null");
        assertThat(datasets().directory()).isEqualTo(project.resolve("fixtures/datasets").toAbsolutePath().normalize());
    }

    @Test
    void theStandardLocationsFollowTheProperties() {
        String p = System.getProperty("robustgate.project.dir"), f = System.getProperty("robustgate.fixtures.dir");
        try {
            System.setProperty("robustgate.project.dir", project.toString());
            System.clearProperty("robustgate.fixtures.dir");
            assertThat(DeclaredDatasets.standard().directory()).isEqualTo(project.resolve("fixtures/datasets").toAbsolutePath().normalize());
            System.setProperty("robustgate.fixtures.dir", project.resolve("elsewhere").toString());
            assertThat(DeclaredDatasets.standard().directory()).isEqualTo(project.resolve("elsewhere/datasets").toAbsolutePath().normalize());
        } finally {
            if (p == null) System.clearProperty("robustgate.project.dir"); else System.setProperty("robustgate.project.dir", p);
            if (f == null) System.clearProperty("robustgate.fixtures.dir"); else System.setProperty("robustgate.fixtures.dir", f);
        }
    }

    @Test
    void featureRangesInColumnOrderForCsvOnly() {
        DatasetDeclaration csv = new DatasetDeclaration("c", "csv", "c.csv", null, null, false, null, null, null, null, null, "y", null,
                Map.of("a", new double[]{0, 1}, "b", new double[]{2, 3}));
        double[][] r = DeclaredDatasets.featureRanges(csv, List.of("b", "a"));
        assertThat(r[0]).containsExactly(2, 3);
        assertThat(r[1]).containsExactly(0, 1);
        assertThat(DeclaredDatasets.featureRanges(npzDecl("x.npz", null, null, null, null, null), List.of("a"))).isEmpty();
    }
}
