package dev.robustgate.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.Arrays;

import static dev.robustgate.data.IdxTestFiles.gzip;
import static dev.robustgate.data.IdxTestFiles.idx;
import static dev.robustgate.data.IdxTestFiles.randomBytes;
import static dev.robustgate.data.IdxTestFiles.sha256;
import static dev.robustgate.data.IdxTestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdxReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsPlainFileWithItsDimsPayloadAndChecksum() {
        byte[] payload = randomBytes(3 * 2 * 4, 42);
        byte[] file = idx(new int[] {3, 2, 4}, payload);
        Path path = write(dir.resolve("images-idx3-ubyte"), file);

        IdxFile read = IdxReader.read(path);

        assertThat(read.dims()).containsExactly(3, 2, 4);
        assertThat(read.data()).isEqualTo(payload);
        assertThat(read.sha256()).isEqualTo(sha256(file));
        assertThat(read.count()).isEqualTo(3);
        assertThat(read.source()).isEqualTo(path);
    }

    @Test
    void gzipIsDetectedByNameAndByContentAndChecksumIsOfDecompressedBytes() {
        byte[] file = idx(new int[] {5}, new byte[] {0, 1, 2, 3, (byte) 255});
        Path byName = write(dir.resolve("labels-idx1-ubyte.gz"), gzip(file));
        Path byContent = write(dir.resolve("labels-idx1-ubyte"), gzip(file));

        for (Path path : new Path[] {byName, byContent}) {
            IdxFile read = IdxReader.read(path);
            assertThat(read.dims()).containsExactly(5);
            assertThat(read.data()).containsExactly(0, 1, 2, 3, (byte) 255);
            assertThat(read.sha256()).as(path.toString()).isEqualTo(sha256(file));
        }
    }

    @Test
    void supportsAnyNumberOfDimensions() {
        int[] dims = {2, 3, 1, 2, 2};
        byte[] payload = randomBytes(24, 7);
        IdxFile read = IdxReader.read(write(dir.resolve("five-d"), idx(dims, payload)));
        assertThat(read.dims()).containsExactly(dims);
        assertThat(read.data()).isEqualTo(payload);
    }

    @Test
    void truncatedPayloadSaysHowMuchWasExpectedAndFound() {
        byte[] full = idx(new int[] {2, 3, 4}, randomBytes(24, 1));
        Path path = write(dir.resolve("cut.gz"), gzip(Arrays.copyOf(full, full.length - 4)));

        assertThatThrownBy(() -> IdxReader.read(path))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContaining("truncated: expected 24 bytes of payload, found 20")
                .satisfies(e -> assertThat(((DataFormatException) e).file()).isEqualTo(path));
    }

    @Test
    void truncatedHeader() {
        byte[] full = idx(new int[] {2, 3, 4}, new byte[24]);
        Path path = write(dir.resolve("header-cut"), Arrays.copyOf(full, 10));
        assertThatThrownBy(() -> IdxReader.read(path))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContaining("truncated")
                .hasMessageContaining("3 dimensions");
    }

    @Test
    void headerClaimingHugePayloadFailsAsTruncatedWithoutAllocatingIt() {
        Path path = write(dir.resolve("liar"), idx(new int[] {2000, 1000, 1000}, new byte[10]));
        assertThatThrownBy(() -> IdxReader.read(path))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("truncated: expected 2000000000 bytes of payload, found 10");
    }

    @Test
    void headerBeyondArrayLimitIsRejected() {
        Path path = write(dir.resolve("too-big"), idx(new int[] {100000, 100000}, new byte[0]));
        assertThatThrownBy(() -> IdxReader.read(path))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("cannot be loaded");
    }

    @Test
    void trailingBytesAreAnError() {
        byte[] file = idx(new int[] {4}, new byte[] {1, 2, 3, 4, 9, 9});
        Path path = write(dir.resolve("trailing"), file);
        assertThatThrownBy(() -> IdxReader.read(path))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContaining("trailing data: expected 4 bytes of payload, found 6");
    }

    @Test
    void badMagic() {
        byte[] file = idx(new int[] {4}, new byte[4]);
        file[0] = 0x50; // e.g. a PNG or text file given by mistake
        Path path = write(dir.resolve("not-idx"), file);
        assertThatThrownBy(() -> IdxReader.read(path))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContaining("bad magic 0x50000801");
    }

    @Test
    void unsupportedElementType() {
        byte[] file = idx(new int[] {1}, new byte[4]);
        file[2] = 0x0D; // float
        Path path = write(dir.resolve("floats"), file);
        assertThatThrownBy(() -> IdxReader.read(path))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("unsupported IDX element type 0x0d");
    }

    @Test
    void zeroOrNegativeDimensionsAreRejected() {
        Path zero = write(dir.resolve("zero"), idx(new int[] {3, 0}, new byte[0]));
        Path negative = write(dir.resolve("negative"), idx(new int[] {-1}, new byte[0]));
        Path noDims = write(dir.resolve("no-dims"), idx(new int[0], new byte[0]));
        assertThatThrownBy(() -> IdxReader.read(zero)).hasMessageContaining("dimension 1 has size 0");
        assertThatThrownBy(() -> IdxReader.read(negative)).hasMessageContaining("dimension 0 has size 4294967295");
        assertThatThrownBy(() -> IdxReader.read(noDims)).hasMessageContaining("number of dimensions is 0");
    }

    @Test
    void gzNameWithoutGzipContentIsBadGzip() {
        Path path = write(dir.resolve("labels.gz"), idx(new int[] {2}, new byte[2]));
        assertThatThrownBy(() -> IdxReader.read(path))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContaining("not a valid gzip stream");
    }

    @Test
    void cutOffGzipIsBadGzip() {
        byte[] gz = gzip(idx(new int[] {1000}, randomBytes(1000, 3)));
        Path path = write(dir.resolve("cut-off.gz"), Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> IdxReader.read(path))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContaining("not a valid gzip stream");
    }

    @Test
    void missingFileIsUnavailableNotMalformed() {
        Path path = dir.resolve("nope.gz");
        assertThatThrownBy(() -> IdxReader.read(path))
                .isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void imagesBecomeUnitScaledFloatNchwTensor() {
        byte[] pixels = {0, (byte) 255, (byte) 128, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        IdxFile images = IdxReader.read(write(dir.resolve("img"), idx(new int[] {2, 2, 3}, pixels)));

        INDArray x = images.toImageTensor();

        assertThat(x.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(x.shape()).containsExactly(2, 1, 2, 3);
        assertThat(x.getFloat(0, 0, 0, 0)).isEqualTo(0f);
        assertThat(x.getFloat(0, 0, 0, 1)).isEqualTo(1f);
        assertThat(x.getFloat(0, 0, 0, 2)).isEqualTo(128 / 255f);
        assertThat(x.getFloat(1, 0, 1, 2)).isEqualTo(9 / 255f);
    }

    @Test
    void labelsBecomeUnsignedInts() {
        IdxFile labels = IdxReader.read(write(dir.resolve("lab"), idx(new int[] {3}, new byte[] {0, 9, (byte) 200})));
        assertThat(labels.toLabels()).containsExactly(0, 9, 200);
    }

    @Test
    void conversionsCheckTheNumberOfDimensions() {
        IdxFile oneD = IdxReader.read(write(dir.resolve("lab"), idx(new int[] {3}, new byte[3])));
        IdxFile threeD = IdxReader.read(write(dir.resolve("img"), idx(new int[] {1, 1, 3}, new byte[3])));
        assertThatThrownBy(oneD::toImageTensor).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("expected image data with 3 dimensions [N, H, W], found [3]");
        assertThatThrownBy(threeD::toLabels).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("expected label data with 1 dimension [N], found [1, 1, 3]");
    }

    @Test
    void imageAndLabelCountMismatchNamesBothFiles() {
        Path imagesPath = write(dir.resolve("images"), idx(new int[] {3, 1, 1}, new byte[3]));
        Path labelsPath = write(dir.resolve("labels"), idx(new int[] {2}, new byte[2]));
        IdxFile images = IdxReader.read(imagesPath);
        IdxFile labels = IdxReader.read(labelsPath);

        assertThatThrownBy(() -> IdxFile.requireSameCount(images, labels))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(imagesPath.toString())
                .hasMessageContaining(labelsPath.toString())
                .hasMessageContaining("holds 3 images")
                .hasMessageContaining("holds 2 labels");
    }
}
