package dev.robustgate.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.robustgate.data.Dataset;
import dev.robustgate.data.DatasetRegistry;
import dev.robustgate.data.Split;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * The committed test models and their PyTorch reference outputs (src/test/resources/models and
 * src/test/resources/reference, made by src/test/python/make_test_models.sh; see the README there).
 * Every model outputs 10 logits; the torch logits are of the first test images of its dataset:
 * Fashion-MNIST's test split (read through the data package, not committed) or, for the 3-channel
 * model, the committed uint8 images of tinted Fashion-MNIST.
 */
public final class TestModelFiles {
    /** A committed test model: its files and the images its torch logits were computed on. */
    public enum Model {
        /** The PyTorch reference's LeNet (Keras Sequential .h5, ONNX opset 13). */
        LENET("reference/lenet_fmnist", "reference/lenet_fmnist_torch_logits_first200.npy", 200),
        /** Residual CNN with 6 BatchNorm layers and 2 skip Adds (ONNX opset 13, Keras functional). */
        RESNET("models/resnet_bn_fmnist", "models/resnet_bn_fmnist_torch_logits_first200.npy", 200),
        /** 3x32x32 CNN with stride-2 convs and BatchNorm, on (x - mean) / std (ONNX opset 17, Keras functional). */
        RGB("models/rgb_bn_tinted", "models/rgb_bn_tinted_torch_logits_first64.npy", 64),
        /** MLP 784-64-BN-32-10 (ONNX opset 11 with unnamed nodes, Keras Sequential on [784]). */
        MLP("models/mlp_bn_fmnist", "models/mlp_bn_fmnist_torch_logits_first200.npy", 200),
        /**
         * The residual CNN of RESNET trained on normalised Fashion-MNIST, (x - 0.286) / 0.353 (ONNX opset 13,
         * Keras functional): evaluates through {@code --mean 0.286 --std 0.353}.
         */
        RESNET_NORM("models/resnet_bn_fmnist_norm", "models/resnet_bn_fmnist_norm_torch_logits_first200.npy", 200);

        private final String stem;
        private final String logits;
        private final int first;

        Model(String stem, String logits, int first) {
            this.stem = stem;
            this.logits = logits;
            this.first = first;
        }

        public Path onnx() {
            return resource(stem + ".onnx");
        }

        /** The Keras HDF5 file (softmax output, no training configuration). */
        public Path keras() {
            return resource(this == LENET ? stem + "_keras.h5" : stem + ".h5");
        }

        /** How many test images the torch logits cover. */
        public int first() {
            return first;
        }

        /** torch's logits of the first {@link #first()} test images, float32 [N, 10]. */
        public INDArray torchLogits() {
            return Nd4j.createFromNpyFile(resource(logits).toFile()).castTo(DataType.FLOAT);
        }

        /** torch's input gradient of the summed cross-entropy (true labels) of the first 8 images, pixel space. */
        public INDArray torchGradients() {
            String file = (this == LENET ? "reference/lenet_fmnist" : stem) + "_torch_gradients_first8.npy";
            return Nd4j.createFromNpyFile(resource(file).toFile()).castTo(DataType.FLOAT);
        }

        /** The first n images in [0,1], NCHW float32, as the model sees them before normalisation. */
        public INDArray images(int n) {
            if (n > first) {
                throw new IllegalArgumentException("only the first " + first + " images have torch logits, asked " + n);
            }
            return this == RGB ? tintedImages(n) : fashionTest().features().get(NDArrayIndex.interval(0, n)).dup();
        }

        /** The first n test images with their labels, as a dataset (sample ids 0..n-1). */
        public Dataset dataset(int n) {
            if (this != RGB) {
                return fashionTest().slice(0, n);
            }
            Dataset f = fashionTest();
            return new Dataset("tinted-fashion-mnist", Split.TEST, images(n), labels(n), f.classNames(),
                    "tinted-first" + n, "tinted fashion-mnist test, first " + n + " (src/test/python/rg_data.py)");
        }

        /** Labels of the first n test images. */
        public int[] labels(int n) {
            return java.util.Arrays.copyOf(fashionTest().labels(), n);
        }

        /** Whether the model expects (x - mean) / std (its {@code _normalization.json}): RGB and RESNET_NORM. */
        public boolean normalised() {
            return this == RGB || this == RESNET_NORM;
        }

        /** The sample shape in pixel space, [C, H, W]. */
        public long[] sampleShape() {
            return this == RGB ? new long[]{3, 32, 32} : new long[]{1, 28, 28};
        }

        /** Per-channel mean the model expects subtracted (0 unless {@link #normalised()}). */
        public float[] mean() {
            return normalised() ? normalization(stem, "mean") : new float[]{0f};
        }

        /** Per-channel std the model expects divided by (1 unless {@link #normalised()}). */
        public float[] std() {
            return normalised() ? normalization(stem, "std") : new float[]{1f};
        }

        /** torch's clean/FGSM/PGD accuracies on the 10k test images (models/*_torch_attacks.json). */
        public JsonNode torchAttacks() {
            String file = this == LENET ? "reference/lenet_fmnist_torch_attacks.json" : stem + "_torch_attacks.json";
            return json(file);
        }
    }

    private static Dataset fashionTest;

    private TestModelFiles() {}

    /** A file under src/test/resources, as a path (the test resources are files on disk). */
    public static Path resource(String name) {
        URL url = TestModelFiles.class.getResource("/" + name);
        if (url == null) {
            throw new IllegalStateException("test resource " + name + " is missing: run src/test/python/make_test_models.sh");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(url.toString(), e);
        }
    }

    static synchronized Dataset fashionTest() {
        if (fashionTest == null) {
            fashionTest = DatasetRegistry.standard().load("fashion-mnist", Split.TEST);
        }
        return fashionTest;
    }

    /** The first n committed tinted Fashion-MNIST test images (uint8 NCHW) as float32 v / 255 in [0,1]. */
    static INDArray tintedImages(int n) {
        INDArray u8 = Nd4j.createFromNpyFile(resource("models/tinted_fmnist_test_first64_uint8.npy").toFile());
        return u8.get(NDArrayIndex.interval(0, n)).castTo(DataType.FLOAT).divi(255f);
    }

    /** (x - mean) / std per channel of an NCHW batch, in float32. */
    public static INDArray normalise(INDArray nchw, float[] mean, float[] std) {
        INDArray out = nchw.dup();
        for (int c = 0; c < mean.length; c++) {
            INDArray ch = out.get(NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.all());
            ch.subi(mean[c]).divi(std[c]);
        }
        return out;
    }

    private static float[] normalization(String stem, String key) {
        JsonNode values = json(stem + "_normalization.json").get(key);
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) values.get(i).asDouble();
        }
        return out;
    }

    private static JsonNode json(String name) {
        try {
            return new ObjectMapper().readTree(resource(name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
