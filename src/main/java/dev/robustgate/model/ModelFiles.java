package dev.robustgate.model;

import dev.robustgate.RobustGateException;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads a model file as a victim, with an error that names the file when it cannot. */
public final class ModelFiles {
    private ModelFiles() {}

    /** A DL4J zip ({@link #load}) or, for a {@code .h5} file, a Keras Sequential model ({@link #loadKeras}). */
    public static Dl4jClassifier loadAny(Path file) {
        return file.getFileName().toString().endsWith(".h5") ? loadKeras(file) : load(file);
    }

    /**
     * A Keras Sequential classifier for 28x28x1 images saved as HDF5 (channels-last, as Keras
     * CNNs are). A file saved without its training configuration has no loss: a cross-entropy loss
     * layer is appended after its softmax, which changes no prediction and gives input gradients.
     */
    public static Dl4jClassifier loadKeras(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new RobustGateException(file + ": no such model file");
        }
        MultiLayerNetwork net;
        try {
            net = KerasModelImport.importKerasSequentialModelAndWeights(file.toString(), false);
        } catch (IOException | InvalidKerasConfigurationException | UnsupportedKerasConfigurationException
                 | RuntimeException e) {
            throw new RobustGateException(file + ": not a readable Keras Sequential HDF5 model (" + e.getMessage() + ")", e);
        }
        if (!(net.getOutputLayer() instanceof IOutputLayer)) {
            net = new TransferLearning.Builder(net).fineTuneConfiguration(new FineTuneConfiguration.Builder().build())
                    .addLayer(new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.IDENTITY).build())
                    .build();
        }
        boolean dense = net.getLayerWiseConfigurations().getConf(0).getLayer() instanceof DenseLayer;
        String name = file.getFileName().toString().replaceFirst("\\.h5$", "");
        return new Dl4jClassifier(name, net, new long[]{1, 28, 28}, dense ? InputLayout.FLAT : InputLayout.NHWC);
    }

    /**
     * A DL4J MultiLayerNetwork zip for 1x28x28 inputs. A dense first layer means the network takes
     * flat vectors; anything else is taken as NCHW.
     */
    public static Dl4jClassifier load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new RobustGateException(file + ": no such model file");
        }
        try {
            MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
            boolean dense = net.getLayerWiseConfigurations().getConf(0).getLayer() instanceof DenseLayer;
            String name = file.getFileName().toString().replaceFirst("\\.zip$", "");
            return new Dl4jClassifier(name, net, new long[]{1, 28, 28}, dense ? InputLayout.FLAT : InputLayout.NCHW);
        } catch (IOException | RuntimeException e) {
            throw new RobustGateException(file + ": not a readable DL4J model zip (" + e.getMessage() + ")", e);
        }
    }
}
