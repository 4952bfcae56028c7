package dev.robustgate.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static dev.robustgate.data.DownloaderTest.filesIn;
import static dev.robustgate.data.IdxTestFiles.gzip;
import static dev.robustgate.data.IdxTestFiles.idx;
import static dev.robustgate.data.IdxTestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatasetRegistryTest {
    @TempDir
    Path tmp;

    private final TinyDataset tiny = new TinyDataset();
    private final Downloader downloader = new Downloader(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30));

    private Path root() { return tmp.resolve("root"); }
    private Path system() { return tmp.resolve("system"); }
    private Path cache() { return tmp.resolve("cache"); }

    /** Data root, then the system directory, then the cache; never downloads. */
    private DatasetRegistry offlineRegistry() {
        return new DatasetRegistry(List.of(tiny.descriptor(null, system())), List.of(root()), cache(), null);
    }

    @Test
    void loadsTestSplitAsUnitScaledTensorWithLabelsAndProvenance() {
        tiny.writeGzipped(system());

        Dataset test = offlineRegistry().load(TinyDataset.NAME, Split.TEST);

        assertThat(test.name()).isEqualTo("tiny");
        assertThat(test.split()).isEqualTo(Split.TEST);
        assertThat(test.size()).isEqualTo(4);
        assertThat(test.features().shape()).containsExactly(4, 1, TinyDataset.H, TinyDataset.W);
        assertThat(test.labels()).containsExactly(0, 1, 2, 0);
        assertThat(test.classNames()).isEqualTo(TinyDataset.CLASSES);
        assertThat(test.provenance()).isEqualTo("tiny test (4, " + system() + ")");
        // first pixel of the second image: header is 4 + 3*4 bytes
        int pixel = tiny.testImages[16 + TinyDataset.H * TinyDataset.W] & 0xFF;
        assertThat(test.features().getFloat(1, 0, 0, 0)).isEqualTo(pixel / 255f);
        assertThat(test.contentHash()).isEqualTo(Sha256.of(tiny.test.images().sha256(), tiny.test.labels().sha256()));
    }

    @Test
    void splitsAreDistinctAndCachedInMemory() {
        tiny.writeGzipped(system());
        DatasetRegistry registry = offlineRegistry();

        Dataset train = registry.load(TinyDataset.NAME, Split.TRAIN);
        Dataset test = registry.load(TinyDataset.NAME, Split.TEST);

        assertThat(train.size()).isEqualTo(6);
        assertThat(train.contentHash()).isNotEqualTo(test.contentHash());
        assertThat(registry.load(TinyDataset.NAME, Split.TRAIN)).isSameAs(train);
        assertThat(registry.load(TinyDataset.NAME, Split.TEST)).isSameAs(test);
    }

    @Test
    void concurrentCallersShareOneLoad() throws Exception {
        tiny.writeGzipped(system());
        DatasetRegistry registry = offlineRegistry();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Dataset>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(() -> registry.load(TinyDataset.NAME, Split.TEST));
            }
            List<Future<Dataset>> results = pool.invokeAll(calls);
            Dataset first = results.get(0).get();
            for (Future<Dataset> f : results) {
                assertThat(f.get()).isSameAs(first);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void looksInDataRootThenSystemDirectoryThenCache() throws IOException {
        tiny.writeGzipped(root().resolve(TinyDataset.NAME));
        tiny.writeGzipped(system());
        tiny.writeGzipped(cache().resolve(TinyDataset.NAME));

        assertThat(offlineRegistry().load(TinyDataset.NAME, Split.TEST).provenance())
                .contains(root().resolve(TinyDataset.NAME).toString());

        deleteRecursively(root());
        assertThat(offlineRegistry().load(TinyDataset.NAME, Split.TEST).provenance())
                .contains(system().toString());

        deleteRecursively(system());
        assertThat(offlineRegistry().load(TinyDataset.NAME, Split.TEST).provenance())
                .contains(cache().resolve(TinyDataset.NAME).toString());
    }

    @Test
    void acceptsDecompressedFilesInADataRoot() {
        Path dir = root().resolve(TinyDataset.NAME);
        write(dir.resolve("t10k-images-idx3-ubyte"), tiny.testImages);
        write(dir.resolve("t10k-labels-idx1-ubyte"), tiny.testLabels);

        assertThat(offlineRegistry().load(TinyDataset.NAME, Split.TEST).provenance()).contains(dir.toString());
    }

    @Test
    void incompleteDataRootIsSkipped() {
        write(root().resolve(TinyDataset.NAME).resolve("t10k-images-idx3-ubyte.gz"), gzip(tiny.testImages));
        tiny.writeGzipped(system());

        assertThat(offlineRegistry().load(TinyDataset.NAME, Split.TEST).provenance()).contains(system().toString());
    }

    @Test
    void checksumMismatchInDataRootIsAnErrorEvenIfTheSystemDirectoryIsFine() {
        Path dir = root().resolve(TinyDataset.NAME);
        tiny.writeTestGzipped(dir);
        byte[] tampered = tiny.testLabels.clone();
        tampered[tampered.length - 1] = 2;
        Path bad = write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(tampered));
        tiny.writeGzipped(system());

        assertThatThrownBy(() -> offlineRegistry().load(TinyDataset.NAME, Split.TEST))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(bad.toString())
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining(IdxTestFiles.sha256(tampered))
                .hasMessageContaining(tiny.test.labels().sha256());
    }

    @Test
    void checksumMismatchInSystemDirectoryIsAnError() {
        tiny.writeTestGzipped(system());
        Path bad = write(system().resolve("t10k-images-idx3-ubyte.gz"), gzip(tiny.trainImages));

        assertThatThrownBy(() -> offlineRegistry().load(TinyDataset.NAME, Split.TEST))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(bad.toString())
                .hasMessageContaining(tiny.test.images().sha256());
    }

    @Test
    void imageAndLabelCountMismatchNamesBothFiles() {
        // Label file of the train split under the test name, with a descriptor that accepts it.
        write(system().resolve("t10k-images-idx3-ubyte.gz"), gzip(tiny.testImages));
        write(system().resolve("t10k-labels-idx1-ubyte.gz"), gzip(tiny.trainLabels));
        SplitFiles mixed = new SplitFiles(tiny.test.images(),
                new DataFile("t10k-labels-idx1-ubyte", tiny.train.labels().sha256()));
        DatasetDescriptor d = new DatasetDescriptor("tiny", TinyDataset.CLASSES, Map.of(Split.TEST, mixed),
                null, system(), null);

        assertThatThrownBy(() -> new DatasetRegistry(List.of(d), List.of(), null, null).load("tiny", Split.TEST))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(system().resolve("t10k-images-idx3-ubyte.gz").toString())
                .hasMessageContaining(system().resolve("t10k-labels-idx1-ubyte.gz").toString())
                .hasMessageContaining("4 images")
                .hasMessageContaining("6 labels");
    }

    @Test
    void downloadsMissingFilesIntoTheCache() throws IOException {
        try (LoopbackServer server = serveTinyGzipped()) {
            DatasetRegistry registry = new DatasetRegistry(
                    List.of(tiny.descriptor(server.base(), system())), List.of(root()), cache(), downloader);

            Dataset test = registry.load(TinyDataset.NAME, Split.TEST);

            Path dir = cache().resolve(TinyDataset.NAME);
            assertThat(test.provenance()).isEqualTo("tiny test (4, " + dir + ")");
            assertThat(filesIn(dir)).containsExactly("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
            // a fresh registry finds them in the cache and does not download again
            new DatasetRegistry(List.of(tiny.descriptor(server.base(), system())), List.of(), cache(), downloader)
                    .load(TinyDataset.NAME, Split.TEST);
            assertThat(server.requestCount("/t10k-images-idx3-ubyte.gz")).isEqualTo(1);
        }
    }

    @Test
    void corruptCachedFileIsDeletedAndDownloadedAgain() throws IOException {
        Path dir = cache().resolve(TinyDataset.NAME);
        tiny.writeTestGzipped(dir);
        write(dir.resolve("t10k-images-idx3-ubyte.gz"), new byte[] {0x1f, (byte) 0x8b, 1, 2, 3});
        try (LoopbackServer server = serveTinyGzipped()) {
            DatasetRegistry registry = new DatasetRegistry(
                    List.of(tiny.descriptor(server.base(), null)), List.of(), cache(), downloader);

            Dataset test = registry.load(TinyDataset.NAME, Split.TEST);

            assertThat(test.size()).isEqualTo(4);
            assertThat(server.requestCount("/t10k-images-idx3-ubyte.gz")).isEqualTo(1);
            assertThat(server.requestCount("/t10k-labels-idx1-ubyte.gz")).isZero();
            assertThat(Files.readAllBytes(dir.resolve("t10k-images-idx3-ubyte.gz"))).isEqualTo(gzip(tiny.testImages));
        }
    }

    @Test
    void wrongDownloadIsAnErrorAndLeavesNothingInTheCache() throws IOException {
        try (LoopbackServer server = serveTinyGzipped()) {
            server.serve("/t10k-images-idx3-ubyte.gz", gzip(tiny.trainImages));
            DatasetRegistry registry = new DatasetRegistry(
                    List.of(tiny.descriptor(server.base(), null)), List.of(), cache(), downloader);

            assertThatThrownBy(() -> registry.load(TinyDataset.NAME, Split.TEST))
                    .isInstanceOf(DataFormatException.class)
                    .hasMessageContaining(server.uri("/t10k-images-idx3-ubyte.gz").toString())
                    .hasMessageContaining(tiny.test.images().sha256())
                    .hasMessageContaining(IdxTestFiles.sha256(tiny.trainImages));
            assertThat(filesIn(cache())).isEmpty();
        }
    }

    @Test
    void nothingAnywhereOfflineGivesOneMessageListingEveryPlaceAndHowToProvision() {
        DatasetRegistry registry = new DatasetRegistry(
                List.of(tiny.descriptor(URI.create("http://example.invalid/tiny/"), system())),
                List.of(root()), cache(), null);

        assertThatThrownBy(() -> registry.load(TinyDataset.NAME, Split.TEST))
                .isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining("tiny test split is not available")
                .hasMessageContaining(root().resolve(TinyDataset.NAME).toString())
                .hasMessageContaining(system().toString())
                .hasMessageContaining(cache().resolve(TinyDataset.NAME).toString())
                .hasMessageContaining("sudo apt-get install dataset-tiny")
                .hasMessageContaining("$ROBUSTGATE_DATA_DIR/tiny")
                .hasMessageContaining("train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                        + "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz")
                .hasMessageContaining("allow the download from http://example.invalid/tiny/");
    }

    @Test
    void failedDownloadIsPartOfTheSingleUnavailableMessage() throws IOException {
        try (LoopbackServer server = new LoopbackServer()) {
            DatasetRegistry registry = new DatasetRegistry(
                    List.of(tiny.descriptor(server.base(), system())), List.of(), cache(), downloader);

            assertThatThrownBy(() -> registry.load(TinyDataset.NAME, Split.TEST))
                    .isInstanceOf(DataUnavailableException.class)
                    .hasMessageContaining("no data directory configured")
                    .hasMessageContaining(system().toString())
                    .hasMessageContaining("HTTP 404")
                    .hasMessageContaining("To provision it");
            // the labels file is not tried after the images download failed
            assertThat(server.requestCount("/t10k-labels-idx1-ubyte.gz")).isZero();
        }
    }

    @Test
    void failedLoadIsRetriedOnTheNextCall() {
        DatasetRegistry registry = offlineRegistry();
        assertThatThrownBy(() -> registry.load(TinyDataset.NAME, Split.TEST)).isInstanceOf(DataUnavailableException.class);

        tiny.writeGzipped(system());

        assertThat(registry.load(TinyDataset.NAME, Split.TEST).size()).isEqualTo(4);
    }

    @Test
    void unknownDatasetNamesTheKnownOnes() {
        assertThatThrownBy(() -> offlineRegistry().load("cifar-10", Split.TEST))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown dataset 'cifar-10'")
                .hasMessageContaining("tiny");
    }

    @Test
    void settingsPutThePropertyDirectoryBeforeTheEnvironmentDirectory() {
        Path fromProperty = tmp.resolve("prop");
        Path fromEnv = tmp.resolve("env");
        // Files with the wrong checksum show which directory was searched first, without
        // needing the real dataset.
        for (Path dir : List.of(fromProperty, fromEnv)) {
            Path fm = dir.resolve("fashion-mnist");
            write(fm.resolve("t10k-images-idx3-ubyte.gz"), gzip(idx(new int[] {1}, new byte[1])));
            write(fm.resolve("t10k-labels-idx1-ubyte.gz"), gzip(idx(new int[] {1}, new byte[1])));
        }
        Map<String, String> props = Map.of(
                DatasetRegistry.DATA_DIR_PROPERTY, fromProperty.toString(),
                DatasetRegistry.OFFLINE_PROPERTY, "",
                "user.home", tmp.resolve("home").toString());
        Map<String, String> env = Map.of(DatasetRegistry.DATA_DIR_ENV, fromEnv.toString());

        assertThatThrownBy(() -> DatasetRegistry.fromSettings(props::get, env::get).load("fashion-mnist", Split.TEST))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(fromProperty.resolve("fashion-mnist").toString());
        Map<String, String> noDataDirProperty = Map.of("user.home", tmp.resolve("home").toString());
        assertThatThrownBy(() -> DatasetRegistry.fromSettings(noDataDirProperty::get, env::get).load("fashion-mnist", Split.TEST))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(fromEnv.resolve("fashion-mnist").toString());
    }

    @Test
    void standardRegistryKnowsFashionMnist() {
        DatasetRegistry standard = DatasetRegistry.standard();
        assertThat(standard).isSameAs(DatasetRegistry.standard());
        assertThat(standard.names()).contains("fashion-mnist");
        DatasetDescriptor fm = standard.descriptor("fashion-mnist");
        assertThat(fm.classNames()).containsExactly("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
        assertThat(fm.downloadUri(fm.files(Split.TEST).orElseThrow().images()).orElseThrow())
                .hasToString("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/t10k-images-idx3-ubyte.gz");
    }

    @Test
    void officialMnistIdxFilesAreCheckedLikeFashionMnist() {
        DatasetRegistry standard = DatasetRegistry.standard();
        assertThat(standard.names()).contains("mnist-idx", "mnist");
        DatasetDescriptor mnist = standard.descriptor("mnist-idx");
        assertThat(mnist.classNames()).hasSize(10).startsWith("0").endsWith("9");
        assertThat(mnist.allFiles()).extracting(DataFile::name).containsExactly("train-images-idx3-ubyte",
                "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
        assertThat(mnist.allFiles()).allSatisfy(f -> assertThat(f.sha256()).matches("[0-9a-f]{64}"));
        // A file that is not the official one (here: a one-image IDX) fails on its checksum, naming it.
        Path dir = tmp.resolve("mnist-data");
        write(dir.resolve("mnist-idx").resolve("t10k-images-idx3-ubyte.gz"), gzip(idx(new int[] {1, 28, 28}, new byte[784])));
        write(dir.resolve("mnist-idx").resolve("t10k-labels-idx1-ubyte.gz"), gzip(idx(new int[] {1}, new byte[1])));
        Map<String, String> props = Map.of(DatasetRegistry.DATA_DIR_PROPERTY, dir.toString(),
                DatasetRegistry.OFFLINE_PROPERTY, "", "user.home", tmp.resolve("home").toString());
        assertThatThrownBy(() -> DatasetRegistry.fromSettings(props::get, k -> null).load("mnist-idx", Split.TEST))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("t10k-images-idx3-ubyte")
                .hasMessageContaining("0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7");
    }

    private LoopbackServer serveTinyGzipped() throws IOException {
        return new LoopbackServer()
                .serve("/train-images-idx3-ubyte.gz", gzip(tiny.trainImages))
                .serve("/train-labels-idx1-ubyte.gz", gzip(tiny.trainLabels))
                .serve("/t10k-images-idx3-ubyte.gz", gzip(tiny.testImages))
                .serve("/t10k-labels-idx1-ubyte.gz", gzip(tiny.testLabels));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
