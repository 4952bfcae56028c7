package dev.robustgate.model.load;

import dev.robustgate.data.DatasetRegistry;
import dev.robustgate.data.Split;
import dev.robustgate.model.Classifier;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.InputDeclaration;
import dev.robustgate.model.load.ModelFiles;
import dev.robustgate.model.OnnxRuntimeClassifier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The torch-trained test models (src/test/python, committed under src/test/resources/models):
 * each Keras HDF5 file (functional residual CNN with BN, functional 3-channel CNN with BN and
 * per-channel normalisation, Sequential MLP with BN) loads onto the graph executor and gives
 * torch's logits within 1e-4 and ONNX Runtime's on the same weights' ONNX export within 1e-4; its
 * input gradient agrees with torch's.
 */
class KerasGraphModelsTest {
    static final Path MODELS = Path.of(System.getProperty("robustgate.test.models", "src/test/resources/models"));

    private static INDArray images(String model, int n) {
        if (model.startsWith("rgb")) {
            INDArray u8 = Nd4j.createFromNpyFile(MODELS.resolve("tinted_fmnist_test_first64_uint8.npy").toFile());
            return u8.castTo(DataType.FLOAT).divi(255).get(NDArrayIndex.interval(0, n)).dup();
        }
        return DatasetRegistry.standard().load("fashion-mnist", Split.TEST).features().get(NDArrayIndex.interval(0, n)).castTo(DataType.FLOAT).dup();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"resnet_bn_fmnist", "rgb_bn_tinted", "mlp_bn_fmnist"})
    void kerasFileMatchesTorchAndOnnxRuntime(String model) throws Exception {
        Path h5 = MODELS.resolve(model + ".h5");
        assumeTrue(Files.isRegularFile(h5), "test models not present: " + h5);
        String normalisation = normalisation(model);
        Path logitsFile = reference(model, "logits");
        int n = Integer.parseInt(logitsFile.getFileName().toString().replaceAll(".*_first(\\d+)\\.npy", "$1"));
        InputDeclaration declared = InputDeclaration.NONE;
        if (!normalisation.isEmpty()) {
            String[] ms = normalisation.split(";");
            declared = new InputDeclaration(null, null, parse(ms[0]), parse(ms[1]), null, null);
        }
        Classifier loaded = ModelFiles.load(h5, declared);
        assertThat(loaded).isInstanceOf(DifferentiableClassifier.class);
        DifferentiableClassifier keras = (DifferentiableClassifier) loaded;
        INDArray x = images(model, n);
        INDArray torch = Nd4j.createFromNpyFile(logitsFile.toFile()).castTo(DataType.FLOAT);
        double err = Transforms.abs(keras.logits(x).sub(torch)).maxNumber().doubleValue();
        assertThat(err).as("%s: max |logit_keras_graph - logit_torch| over %d images", model, n).isLessThanOrEqualTo(1e-4);

        Classifier viaOrt = ModelFiles.load(MODELS.resolve(model + ".onnx"), declared);
        try (OnnxRuntimeClassifier ort = OnnxRuntimeClassifier.load(MODELS.resolve(model + ".onnx"), keras.sampleShape())) {
            INDArray z = normalisation.isEmpty() ? x : x.dup();
            if (!normalisation.isEmpty()) {
                double[] m = parse(normalisation.split(";")[0]), s = parse(normalisation.split(";")[1]);
                for (int c = 0; c < 3; c++) {
                    INDArray ch = z.get(NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.all());
                    ch.subi(m[c]).divi(s[c]);
                }
            }
            double ortErr = Transforms.abs(ort.rawOutput(z).sub(keras.logits(x))).maxNumber().doubleValue();
            assertThat(ortErr).as("%s: max |logit_keras_graph - logit_onnxruntime|", model).isLessThanOrEqualTo(1e-4);
        }
        double pErr = Transforms.abs(viaOrt.probabilities(x).sub(keras.probabilities(x))).maxNumber().doubleValue();
        assertThat(pErr).as("%s: ONNX file (graph executor) vs Keras file, probabilities", model).isLessThanOrEqualTo(1e-5);

        Path gradients = reference(model, "gradients");   // torch's CE input gradient of the first k images
        INDArray torchGrad = Nd4j.createFromNpyFile(gradients.toFile()).castTo(DataType.FLOAT);
        int k = (int) torchGrad.size(0);
        INDArray xk = x.get(NDArrayIndex.interval(0, k)).dup();
        int[] labels = labels(model, k);
        INDArray g = keras.lossGradient(xk, labels);
        double scale = Transforms.abs(torchGrad).maxNumber().doubleValue();
        double gErr = Transforms.abs(g.sub(torchGrad.reshape(g.shape()))).maxNumber().doubleValue() / scale;
        System.out.printf(java.util.Locale.ROOT, "%s: |logit - torch| %.2e, |logit - onnxruntime| checked, |p_onnx_graph - p_keras| %.2e, grad rel %.2e%n",
                model, err, pErr, gErr);
        assertThat(gErr).as("%s: max |grad - torch grad| / max |torch grad|", model).isLessThanOrEqualTo(1e-4);
    }

    /** {@code <model>_torch_<what>_first<N>.npy}, whatever N the export script chose. */
    private static Path reference(String model, String what) throws java.io.IOException {
        try (var files = Files.list(MODELS)) {
            return files.filter(f -> f.getFileName().toString().matches(model + "_torch_" + what + "_first\\d+\\.npy"))
                    .findFirst().orElseThrow(() -> new AssertionError("no torch " + what + " for " + model + " in " + MODELS));
        }
    }

    /** "m1,m2,m3;s1,s2,s3" from {@code <model>_normalization.json}, or "" for a model on raw pixels. */
    private static String normalisation(String model) throws java.io.IOException {
        Path f = MODELS.resolve(model + "_normalization.json");
        if (!Files.isRegularFile(f)) return "";
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(f.toFile());
        java.util.function.Function<String, String> csv = key -> {
            StringBuilder sb = new StringBuilder();
            json.get(key).forEach(v -> sb.append(sb.length() == 0 ? "" : ",").append(v.asDouble()));
            return sb.toString();
        };
        return csv.apply("mean") + ";" + csv.apply("std");
    }

    private static int[] labels(String model, int n) {
        if (model.startsWith("rgb")) {
            return java.util.Arrays.copyOf(DatasetRegistry.standard().load("fashion-mnist", Split.TEST).labels(), n);
        }
        return java.util.Arrays.copyOf(DatasetRegistry.standard().load("fashion-mnist", Split.TEST).labels(), n);
    }

    private static double[] parse(String csv) {
        return java.util.Arrays.stream(csv.split(",")).mapToDouble(Double::parseDouble).toArray();
    }
}
