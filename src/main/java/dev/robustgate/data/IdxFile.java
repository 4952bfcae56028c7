package dev.robustgate.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The contents of one unsigned-byte IDX file.
 *
 * <p>The arrays are shared, not copied: the training images alone are 47 MB, and every caller
 * only reads them. Do not modify {@code dims} or {@code data}. For the same reason {@code equals}
 * is the record default (array identity); compare {@link #sha256()} to compare contents.
 *
 * @param source where it was read from, for error messages
 * @param dims   dimension sizes from the header, outermost first, e.g. [10000, 28, 28]
 * @param data   the payload, row-major, one unsigned byte per element
 * @param sha256 SHA-256 (hex) of the whole decompressed file, header and payload: this is what
 *               survives re-compression (Debian re-gzips upstream files), so it is what
 *               {@link DataFile#sha256()} checksums are compared against
 */
public record IdxFile(Path source, int[] dims, byte[] data, String sha256) {

    /** Exact float values of the 256 possible pixel bytes; a table keeps the conversion loop branch-free. */
    private static final float[] UNIT_SCALE = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            UNIT_SCALE[i] = i / 255f;
        }
    }

    /** Size of the first dimension: the number of images or labels. */
    public int count() {
        return dims[0];
    }

    /**
     * Images [N, H, W] as a float32 tensor [N, 1, H, W] scaled into [0, 1].
     *
     * @throws DataFormatException if this file is not three-dimensional
     */
    public INDArray toImageTensor() {
        if (dims.length != 3) {
            throw new DataFormatException(source, "expected image data with 3 dimensions [N, H, W], found "
                    + Arrays.toString(dims));
        }
        float[] pixels = new float[data.length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = UNIT_SCALE[data[i] & 0xFF];
        }
        return Nd4j.create(pixels, new long[] {dims[0], 1, dims[1], dims[2]}, DataType.FLOAT);
    }

    /**
     * Labels [N] as ints 0..255. Whether they fit the class list is the {@link Dataset}'s check.
     *
     * @throws DataFormatException if this file is not one-dimensional
     */
    public int[] toLabels() {
        if (dims.length != 1) {
            throw new DataFormatException(source, "expected label data with 1 dimension [N], found "
                    + Arrays.toString(dims));
        }
        int[] labels = new int[data.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = data[i] & 0xFF;
        }
        return labels;
    }

    /**
     * Fails unless {@code images} and {@code labels} describe the same number of samples; a
     * mismatch means the two files come from different releases or splits.
     */
    public static void requireSameCount(IdxFile images, IdxFile labels) {
        if (images.count() != labels.count()) {
            throw new DataFormatException(images.source(), "holds " + images.count() + " images but "
                    + labels.source() + " holds " + labels.count() + " labels; the two files do not belong together");
        }
    }

    @Override
    public String toString() {
        return "IdxFile[" + source + ", dims=" + Arrays.toString(dims) + ", sha256=" + sha256 + "]";
    }
}
