package dev.robustgate.model.load;

import dev.robustgate.RobustGateException;
import dev.robustgate.model.Dl4jClassifier;
import dev.robustgate.model.InputLayout;
import dev.robustgate.model.TestModelFiles;
import dev.robustgate.model.TestModelFiles.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The PyTorch reference's LeNet, exported to Keras HDF5 (committed under src/test/resources/reference by
 * src/test/python/make_test_models.sh), loads as a victim whose predictions are torch's.
 */
class KerasModelsTest {
    static INDArray firstImagesNchw(int n) {
        return Model.LENET.images(n);
    }

    @Test
    void inferenceFileWithoutLossLoadsWithTorchsPredictionsAndGivesGradients() {
        Path h5 = Model.LENET.keras();
        Dl4jClassifier model = KerasModels.load(h5);
        assertThat(model.layout()).isEqualTo(InputLayout.NHWC);
        assertThat(model.sampleShape()).containsExactly(1, 28, 28);
        assertThat(model.numClasses()).isEqualTo(10);
        int n = 200;
        INDArray x = firstImagesNchw(n);
        INDArray torch = Transforms.softmax(Model.LENET.torchLogits().get(NDArrayIndex.interval(0, n)), true);
        INDArray probs = model.probabilities(x);
        double maxDiff = Transforms.abs(probs.sub(torch)).maxNumber().doubleValue();
        assertThat(maxDiff).as("max |p_dl4j - p_torch| over %d images", n).isLessThan(1e-4);
        assertThat(model.predict(x)).containsExactly(dev.robustgate.model.Predictions.argMax(torch));
        // logits agree with the softmax the network outputs
        INDArray fromLogits = Transforms.softmax(model.logits(x), true);
        assertThat(Transforms.abs(fromLogits.sub(probs)).maxNumber().doubleValue()).isLessThan(1e-5);
        INDArray g = model.lossGradient(x.get(NDArrayIndex.interval(0, 4)), new int[]{0, 1, 2, 3});
        assertThat(g.shape()).containsExactly(4, 1, 28, 28);
        assertThat(g.norm2Number().doubleValue()).isGreaterThan(0);
    }

    @Test
    void trainingFileWithLossLoadsTheSameModel() {
        Path inference = Model.LENET.keras();
        Path train = TestModelFiles.resource("reference/lenet_fmnist_keras_train.h5");
        INDArray x = firstImagesNchw(50);
        int[] labels = new int[50];
        INDArray a = KerasModels.load(train).lossGradient(x, labels);
        INDArray b = KerasModels.load(inference).lossGradient(x, labels);
        assertThat(Transforms.abs(a.sub(b)).maxNumber().doubleValue()).isLessThan(1e-5);
    }

    @Test
    void corruptOrMissingFileIsAnErrorNamingIt(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("broken.h5");
        Files.writeString(bad, "not hdf5");
        assertThatThrownBy(() -> KerasModels.load(bad)).isInstanceOf(RobustGateException.class)
                .hasMessageContaining(bad.toString());
        assertThatThrownBy(() -> KerasModels.load(dir.resolve("missing.h5"))).isInstanceOf(RobustGateException.class)
                .hasMessageContaining("missing.h5");
    }
}
