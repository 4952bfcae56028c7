package dev.robustgate.model;

import dev.robustgate.RobustGateException;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads a model file as a victim, with an error that names the file when it cannot. */
public final class ModelFiles {
    private ModelFiles() {}

    /**
     * An ONNX model ({@code .onnx}, see {@link dev.robustgate.model.load.OnnxModels}), a DL4J MultiLayerNetwork zip, or a Keras HDF5 file ({@code .h5}, see {@link KerasModels}), for 1x28x28 inputs. A dense first layer means the network takes
     * flat vectors; anything else is taken as NCHW.
     */
    public static DifferentiableClassifier load(Path file) {
        OneDnnLayers.enable();
        if (!Files.isRegularFile(file)) {
            throw new RobustGateException(file + ": no such model file");
        }
        if (file.getFileName().toString().endsWith(".onnx")) {
            return dev.robustgate.model.load.OnnxModels.load(file);
        }
        if (file.getFileName().toString().matches(".*\\.(h5|hdf5)$")) {
            return KerasModels.load(file);
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
