package dev.robustgate.model.load;

import dev.robustgate.RobustGateException;
import dev.robustgate.model.Classifier;
import dev.robustgate.model.InputAdapter;
import dev.robustgate.model.InputDeclaration;
import dev.robustgate.model.InputLayout;
import dev.robustgate.model.InputSpec;
import dev.robustgate.model.OneDnnLayers;
import dev.robustgate.model.Dl4jClassifier;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.nd4j.linalg.api.buffer.DataType;
import org.deeplearning4j.nn.modelimport.keras.KerasModel;
import org.deeplearning4j.nn.modelimport.keras.KerasSequentialModel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a Keras HDF5 Sequential classifier (Conv2D, MaxPooling2D, Flatten, Dense, Dropout;
 * channels_last) as a victim. The imported network takes NHWC input and its Dropout layers come
 * back as dropout on every layer; {@link Dl4jClassifier} converts the layout and clears the dropout,
 * so callers see the usual NCHW white box. A file saved without a training configuration has no
 * loss, hence no input gradient: its final softmax Dense layer is replaced by the equivalent output
 * layer with softmax cross-entropy, with the same weights.
 */
public final class KerasModels {
    private KerasModels() {}

    /** A Keras model over 28x28 grey images, named after its file. */
    public static Dl4jClassifier load(Path file) {
        return load(file, new long[]{1, 28, 28});
    }

    /** {@code sampleShape} in RobustGate's NCHW order, e.g. [1, 28, 28]. */
    public static Dl4jClassifier load(Path file, long[] sampleShape) {
        return classifier(file, importSequential(file).net(), sampleShape);
    }

    /**
     * A Keras model in pixel space: the input shape its file states (checked against the
     * declared one), the declared normalisation inside an {@link InputAdapter}.
     */
    public static Classifier load(Path file, InputDeclaration declared) {
        Imported imported = importModel(file);
        String name = file.getFileName().toString().replaceFirst("\\.(h5|hdf5|keras)$", "");
        if (imported.graph() != null || ModelFiles.hasBatchNorm(imported.net())) {
            // Functional models and BatchNormalization run on the graph executor (inference-mode BN);
            // channels_last is absorbed in the translation, so the graph takes NCHW.
            return ModelFiles.onGraphExecutor(file, name, declared, imported.sampleShape(), () -> imported.graph() != null
                    ? Dl4jGraphs.of(imported.graph(), file.toString(), DataType.FLOAT)
                    : Dl4jGraphs.of(imported.net(), file.toString(), DataType.FLOAT));
        }
        InputSpec spec = declared.over(imported.sampleShape(), InputLayout.NCHW, file.toString());
        return InputAdapter.wrapIfNeeded(classifier(file, imported.net(), spec.shape()), spec);
    }

    /** The imported network (Sequential or functional) and the sample shape the file states (RobustGate's order; 0 where unstated). */
    record Imported(MultiLayerNetwork net, ComputationGraph graph, long[] sampleShape) {}

    static Imported importSequential(Path file) {
        Imported i = importModel(file);
        if (i.net() == null) {
            throw new RobustGateException(file + ": a Keras functional model; this call takes Sequential models only");
        }
        return i;
    }

    static Imported importModel(Path file) {
        OneDnnLayers.enable();
        if (!Files.isRegularFile(file)) {
            throw new RobustGateException(file + ": no such Keras model file");
        }
        requireHdf5Signature(file);
        try {
            KerasModel keras;
            try {
                keras = new KerasModel().modelBuilder().modelHdf5Filename(file.toString()).enforceTrainingConfig(false).buildSequential();
            } catch (InvalidKerasConfigurationException notSequential) {
                keras = new KerasModel().modelBuilder().modelHdf5Filename(file.toString()).enforceTrainingConfig(false).buildModel();
            }
            InputType in = keras.getOutputTypes().get(keras.getInputLayerNames().get(0));
            return keras instanceof KerasSequentialModel seq ? new Imported(seq.getMultiLayerNetwork(), null, sampleShape(in))
                    : new Imported(null, keras.getComputationGraph(), sampleShape(in));
        } catch (RobustGateException e) {
            throw e;
        } catch (Exception | LinkageError e) {
            throw new RobustGateException(file + ": not a readable Keras HDF5 model (" + firstLine(e) + ")", e);
        }
    }

    /** RobustGate's [C,H,W] or [D] for a Keras input type (0 for a dimension Keras leaves open). */
    static long[] sampleShape(InputType in) {
        if (in instanceof InputType.InputTypeConvolutional c) {
            return new long[]{Math.max(c.getChannels(), 0), Math.max(c.getHeight(), 0), Math.max(c.getWidth(), 0)};
        }
        if (in instanceof InputType.InputTypeFeedForward f) return ModelFiles.denseInput(f.getSize());
        if (in instanceof InputType.InputTypeConvolutionalFlat c) {
            return new long[]{c.getDepth(), c.getHeight(), c.getWidth()};
        }
        return new long[]{0, 0, 0};
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static Dl4jClassifier classifier(Path file, MultiLayerNetwork net, long[] sampleShape) {
        if (!(net.getOutputLayer() instanceof IOutputLayer)) {
            net = withCrossEntropyOutput(file, net);
        }
        boolean conv = net.getLayerWiseConfigurations().getConfs().stream()
                .anyMatch(c -> c.getLayer() instanceof ConvolutionLayer);
        String name = file.getFileName().toString().replaceFirst("\\.(h5|hdf5|keras)$", "");
        try {
            return new Dl4jClassifier(name, net, sampleShape, conv ? InputLayout.NHWC : InputLayout.FLAT);
        } catch (IllegalArgumentException e) {
            throw new RobustGateException(file + ": " + e.getMessage(), e);
        }
    }

    /** Checked up front: the HDF5 library would print a page of diagnostics before failing. */
    private static void requireHdf5Signature(Path file) {
        byte[] signature = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
        byte[] head = new byte[signature.length];
        try (var in = Files.newInputStream(file)) {
            int read = in.readNBytes(head, 0, head.length);
            if (read < head.length || !java.util.Arrays.equals(head, signature)) {
                throw new RobustGateException(file + ": not an HDF5 file (no HDF5 signature at the start)");
            }
        } catch (java.io.IOException e) {
            throw new RobustGateException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static MultiLayerNetwork withCrossEntropyOutput(Path file, MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
        int last = conf.getConfs().size() - 1;
        NeuralNetConfiguration lastConf = conf.getConf(last);
        Layer layer = lastConf.getLayer();
        if (!(layer instanceof DenseLayer dense) || !(dense.getActivationFn() instanceof ActivationSoftmax)) {
            throw new RobustGateException(file + ": the last layer is " + layer.getClass().getSimpleName()
                    + " without a loss; expected a Dense layer with softmax activation");
        }
        OutputLayer out = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(dense.getNIn()).nOut(dense.getNOut()).activation(new ActivationSoftmax())
                .weightInit(dense.getWeightInitFn()).name(dense.getLayerName()).build();
        lastConf.setLayer(out);
        MultiLayerNetwork rebuilt = new MultiLayerNetwork(conf);
        rebuilt.init(net.params().dup(), false);
        return rebuilt;
    }
}
