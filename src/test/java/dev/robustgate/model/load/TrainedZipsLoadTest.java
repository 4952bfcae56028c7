package dev.robustgate.model.load;

import dev.robustgate.data.Dataset;
import dev.robustgate.data.DatasetRegistry;
import dev.robustgate.data.KnownDatasets;
import dev.robustgate.data.Split;
import dev.robustgate.fixture.Architectures;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.InputDeclaration;
import dev.robustgate.model.load.ModelFiles;
import dev.robustgate.model.graph.GraphClassifier;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Zips of networks RobustGate itself trained (built by {@link Architectures}, saved the way
 * VictimCache saves them) load through {@link ModelFiles#load} with the trained weights: the same
 * probabilities as DL4J's own {@code output(x, false)} on real Fashion-MNIST test images.
 *
 * <p>Why trained: Dl4jModelZip once let DL4J draw fresh random weights and ignore coefficients.bin.
 * An untrained zip cannot see that (re-initialising from the configuration's seed gives the saved
 * weights back); a trained fashion-mlp-small zip scored 0.075 instead of 0.80.
 */
class TrainedZipsLoadTest {
    private static Dataset train;
    private static Dataset test;

    @TempDir
    Path dir;

    @BeforeAll
    static void data() {
        DatasetRegistry registry = new DatasetRegistry(List.of(KnownDatasets.FASHION_MNIST), List.of(), null, null);
        train = registry.load("fashion-mnist", Split.TRAIN).slice(0, 640);
        test = registry.load("fashion-mnist", Split.TEST).slice(0, 200);
    }

    /** Ten Adam steps of 64 images: enough to move every weight far from its seeded initial value. */
    private static MultiLayerNetwork trained(String architecture, boolean flat) {
        MultiLayerNetwork net = Architectures.build(architecture, new long[]{1, 28, 28}, 10, 2e-3, 77);
        INDArray initial = net.params().dup();
        for (int i = 0; i < 10; i++) {
            INDArray x = train.features().get(NDArrayIndex.interval(i * 64, (i + 1) * 64)).dup();
            INDArray y = train.labelsOneHot().get(NDArrayIndex.interval(i * 64, (i + 1) * 64)).dup();
            net.fit(flat ? x.reshape(64, 784) : x, y);
        }
        assertThat(Transforms.abs(net.params().sub(initial)).maxNumber().doubleValue()).as("training moved the weights")
                .isGreaterThan(1e-3);
        return net;
    }

    private Path saved(MultiLayerNetwork net) throws IOException {
        Path f = dir.resolve("model.zip");
        ModelSerializer.writeModel(net, f.toFile(), false);   // as VictimCache writes its entries
        return f;
    }

    /** As {@code eval --model} loads it: the data's sample shape where the file states none (a LeNet states 1,?,?). */
    private static DifferentiableClassifier loadedAsEvalDoes(Path zip) {
        return ModelFiles.whiteBox(ModelFiles.load(zip, InputDeclaration.NONE.withDefaultShape(test.sampleShape(), "the data (fashion-mnist)")));
    }

    private static double maxDiff(INDArray a, INDArray b) {
        return Transforms.abs(a.sub(b)).maxNumber().doubleValue();
    }

    @Test
    void aTrainedNonSquareMlpZipGivesDl4jsOutputs() throws IOException {
        MultiLayerNetwork net = trained("mlp-37", true);   // 784-37-10: no square weight hides a transpose
        INDArray x = test.features();
        INDArray expected = net.output(x.reshape(x.size(0), 784), false);
        Path zip = saved(net);

        DifferentiableClassifier loaded = loadedAsEvalDoes(zip);
        assertThat(maxDiff(loaded.probabilities(x), expected)).as("max |p_ModelFiles - p_dl4j|, MLP").isLessThan(1e-5);

        // The same weights on the white-box graph executor (the path BatchNorm networks take).
        MultiLayerNetwork back = (MultiLayerNetwork) Dl4jModelZip.load(zip);
        GraphClassifier graph = GraphClassifier.of("mlp", Dl4jGraphs.of(back, zip.toString(), DataType.FLOAT), new long[]{1, 28, 28});
        assertThat(maxDiff(graph.probabilities(x), expected)).as("max |p_graph - p_dl4j|, MLP").isLessThan(1e-5);
    }

    @Test
    void aTrainedCnnZipGivesDl4jsOutputs() throws IOException {
        MultiLayerNetwork net = trained("lenet", false);
        INDArray x = test.features();
        INDArray expected = net.output(x, false);
        Path zip = saved(net);

        DifferentiableClassifier loaded = loadedAsEvalDoes(zip);
        assertThat(maxDiff(loaded.probabilities(x), expected)).as("max |p_ModelFiles - p_dl4j|, LeNet").isLessThan(1e-5);

        MultiLayerNetwork back = (MultiLayerNetwork) Dl4jModelZip.load(zip);
        GraphClassifier graph = GraphClassifier.of("lenet", Dl4jGraphs.of(back, zip.toString(), DataType.FLOAT), new long[]{1, 28, 28});
        assertThat(maxDiff(graph.probabilities(x), expected)).as("max |p_graph - p_dl4j|, LeNet").isLessThan(1e-5);
    }
}
