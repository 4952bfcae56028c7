package dev.robustgate.data;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The real files from the Debian package {@code dataset-fashion-mnist}, when installed. */
class FashionMnistSystemPackageTest {
    private static final Path SYSTEM_DIR = KnownDatasets.FASHION_MNIST.systemDirectory();

    /** Only the system directory: no user settings, cache or network can change what is tested. */
    private static DatasetRegistry registry;

    @BeforeAll
    static void requirePackage() {
        // Fails rather than skips: the build provisions the package (src/main/scripts/provision-data.sh), and every
        // spec needs it, so its absence is a broken machine, not a reason to pass quietly.
        assertThat(SYSTEM_DIR).as("%s is absent (apt-get install dataset-fashion-mnist)", SYSTEM_DIR).isDirectory();
        registry = new DatasetRegistry(List.of(KnownDatasets.FASHION_MNIST), List.of(), null, null);
    }

    @Test
    void testSplitHasTenThousandBalancedUnitScaledImages() {
        Dataset test = registry.load("fashion-mnist", Split.TEST);

        assertThat(test.size()).isEqualTo(10_000);
        assertThat(test.features().shape()).containsExactly(10_000, 1, 28, 28);
        assertThat(test.features().dataType()).isEqualTo(DataType.FLOAT);
        assertThat(test.features().minNumber().doubleValue()).isEqualTo(0.0);
        assertThat(test.features().maxNumber().doubleValue()).isEqualTo(1.0);
        int[] counts = new int[test.numClasses()];
        for (int label : test.labels()) {
            counts[label]++;
        }
        assertThat(counts).containsOnly(1000);
        assertThat(test.classNames()).hasSize(10).startsWith("T-shirt/top").endsWith("Ankle boot");
        assertThat(test.provenance()).isEqualTo("fashion-mnist test (10000, " + SYSTEM_DIR + ")");
        assertThat(test.contentHash()).matches("[0-9a-f]{64}");
        assertThat(registry.load("fashion-mnist", Split.TEST)).isSameAs(test);
    }

    @Test
    void trainSplitHasSixThousandImagesPerClass() {
        Dataset train = registry.load("fashion-mnist", Split.TRAIN);

        assertThat(train.features().shape()).containsExactly(60_000, 1, 28, 28);
        int[] counts = new int[train.numClasses()];
        for (int label : train.labels()) {
            counts[label]++;
        }
        assertThat(counts).containsOnly(6000);
    }
}
