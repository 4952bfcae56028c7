package dev.robustgate.model;

import dev.robustgate.model.TestModelFiles.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed Keras HDF5 test models, written by hand with h5py (src/test/python/keras_h5.py), are files
 * DL4J's own KerasModelImport reads, and compute torch's function: an independent check of the export
 * (HWIO kernels, channels_last flatten order, BatchNormalization weights and epsilon, explicit padding).
 * DL4J's graphs run in inference mode here (BatchNorm on the moving statistics).
 */
class TestModelFilesImportTest {

    @ParameterizedTest
    @EnumSource(Model.class)
    void dl4jKerasImportComputesTorchsProbabilities(Model model) throws Exception {
        int n = model.first();
        INDArray x = TestModelFiles.normalise(model.images(n), model.mean(), model.std());
        INDArray torch = Transforms.softmax(model.torchLogits(), true);
        String file = model.keras().toString();
        INDArray probs;
        if (model == Model.RESNET || model == Model.RGB || model == Model.RESNET_NORM) {
            ComputationGraph graph = KerasModelImport.importKerasModelAndWeights(file, false);
            probs = graph.output(false, x.permute(0, 2, 3, 1).dup())[0];
        } else {
            MultiLayerNetwork net = KerasModelImport.importKerasSequentialModelAndWeights(file, false);
            INDArray in = model == Model.MLP ? x.reshape(n, 784) : x.permute(0, 2, 3, 1).dup();
            probs = net.output(in, false);
        }
        assertThat(probs.shape()).containsExactly(n, 10);
        double maxDiff = Transforms.abs(probs.sub(torch)).maxNumber().doubleValue();
        assertThat(maxDiff).as("%s: max |p_dl4j - p_torch| over %d images", model, n).isLessThan(1e-5);
        assertThat(Predictions.argMax(probs)).containsExactly(Predictions.argMax(torch));
    }

    @org.junit.jupiter.api.Test
    void lenetsTrainingFileAddsALossToTheSameWeights() throws Exception {
        MultiLayerNetwork net = KerasModelImport.importKerasSequentialModelAndWeights(
                TestModelFiles.resource("reference/lenet_fmnist_keras_train.h5").toString(), true);
        assertThat(net.getOutputLayer()).isInstanceOf(org.deeplearning4j.nn.api.layers.IOutputLayer.class);
        INDArray x = Model.LENET.images(20).permute(0, 2, 3, 1).dup();
        INDArray torch = Transforms.softmax(Model.LENET.torchLogits().get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 20)), true);
        assertThat(Transforms.abs(net.output(x, false).sub(torch)).maxNumber().doubleValue()).isLessThan(1e-5);
    }
}
