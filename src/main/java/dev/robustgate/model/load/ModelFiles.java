package dev.robustgate.model.load;

import dev.robustgate.RobustGateException;
import dev.robustgate.model.Classifier;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.InputAdapter;
import dev.robustgate.model.InputDeclaration;
import dev.robustgate.model.InputLayout;
import dev.robustgate.model.InputSpec;
import dev.robustgate.model.OneDnnLayers;
import dev.robustgate.model.OnnxRuntimeClassifier;
import dev.robustgate.model.Dl4jClassifier;
import dev.robustgate.model.graph.Graph;
import dev.robustgate.model.graph.GraphClassifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Loads a model file as a victim in pixel space, with one-line errors that name the file: ONNX
 * ({@link OnnxModels} on the graph executor, else {@link OnnxRuntimeClassifier} as a black box), DL4J
 * zips (checked entry by entry, never Java-deserialized: {@link Dl4jModelZip}) and Keras HDF5
 * ({@link KerasModels}). The file's own input shape is checked against the declaration (CLI
 * options, a victim file, or the data), and the declared normalisation is applied inside an
 * {@link InputAdapter}, so attacks see pixels in [0,1].
 */
public final class ModelFiles {
    private ModelFiles() {}

    /** {@code file} as a white box, with the input shape its file states (refused if it states none). */
    public static DifferentiableClassifier load(Path file) {
        return whiteBox(load(file, InputDeclaration.NONE));
    }

    /** {@code file} with {@code declared} laid over what the file states about its input. */
    public static Classifier load(Path file, InputDeclaration declared) {
        OneDnnLayers.enable();
        if (!Files.isRegularFile(file)) {
            throw new RobustGateException(file + ": no such model file");
        }
        String fileName = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (fileName.matches(".*\\.(h5|hdf5|keras)$")) {
            return KerasModels.load(file, declared);
        }
        if (fileName.endsWith(".onnx")) {
            return onnx(file, declared);
        }
        Model net = Dl4jModelZip.load(file);
        String name = file.getFileName().toString().replaceFirst("\\.zip$", "");
        if (net instanceof ComputationGraph cg) {
            return onGraphExecutor(file, name, declared, naturalShape(cg), () -> Dl4jGraphs.of(cg, file.toString(), DataType.FLOAT));
        }
        MultiLayerNetwork mln = (MultiLayerNetwork) net;
        if (hasBatchNorm(mln)) {
            // Inference-mode BN on the graph executor: DL4J's own BN backprop uses batch statistics.
            return onGraphExecutor(file, name, declared, naturalShape(mln), () -> Dl4jGraphs.of(mln, file.toString(), DataType.FLOAT));
        }
        boolean denseFirst = !(mln.getLayerWiseConfigurations().getConf(0).getLayer() instanceof ConvolutionLayer);
        // Dl4jClassifier takes RobustGate's NCHW samples and flattens them for dense-first networks
        // itself, so the adapter only normalises.
        InputSpec spec = declared.over(naturalShape(mln), InputLayout.NCHW, file.toString());
        try {
            return InputAdapter.wrapIfNeeded(new Dl4jClassifier(name, mln, spec.shape(), denseFirst ? InputLayout.FLAT : InputLayout.NCHW), spec);
        } catch (IllegalArgumentException e) {
            throw new RobustGateException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * An ONNX model on the white-box graph executor; where the executor lacks an op, the same
     * file through ONNX Runtime as a score-only black box that knows why
     * ({@link #blackBoxNotice(Classifier)}). Silent: a CLI shows the notice once, and only when
     * it goes ahead on the black box (a refused gradient attack is one line, not two).
     */
    private static Classifier onnx(Path file, InputDeclaration declared) {
        InputSpec spec = declared.over(OnnxModels.statedSampleShape(file), InputLayout.NCHW, file.toString());
        Classifier raw;
        try {
            raw = OnnxModels.load(file, spec.shape());
        } catch (RobustGateException e) {
            if (!(e.getCause() instanceof UnsupportedOnnxException)) throw e;
            raw = OnnxRuntimeClassifier.load(file, spec.shape(), e.getMessage());
        }
        return InputAdapter.wrapIfNeeded(raw, spec);
    }

    /**
     * The one-line notice for a model that {@link #load} had to run as a black box through ONNX
     * Runtime (looking through the input adapter and the score-only view), else empty.
     */
    public static java.util.Optional<String> blackBoxNotice(Classifier model) {
        Classifier m = model;
        while (true) {
            if (m instanceof InputAdapter a) m = a.unwrap();
            else if (m instanceof dev.robustgate.model.ScoresOnly s) m = s.unwrap();
            else break;
        }
        return m instanceof OnnxRuntimeClassifier o
                ? o.fallbackReason().map(why -> "robustgate: " + why + "; running it as a black box through ONNX Runtime "
                        + "(scores only: Square, stealing and the masking checks work, gradient attacks refuse it)")
                : java.util.Optional.empty();
    }

    static boolean hasBatchNorm(MultiLayerNetwork net) {
        return net.getLayerWiseConfigurations().getConfs().stream()
                .anyMatch(c -> c.getLayer() instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization);
    }

    /**
     * A translated network on the graph executor, in pixel space: the declaration laid over the
     * shape the file states (checked before the graph is built), the graph as a classifier on that
     * shape, the declared normalisation in an {@link InputAdapter}.
     */
    static Classifier onGraphExecutor(Path file, String name, InputDeclaration declared, long[] naturalShape,
                                      java.util.function.Supplier<Graph> translate) {
        InputSpec spec = declared.over(naturalShape, InputLayout.NCHW, file.toString());
        return InputAdapter.wrapIfNeeded(graphClassifier(file, name, translate.get(), spec.shape()), spec);
    }

    /** The graph as a classifier on {@code shape}, a misfit refused with one line naming the file. */
    static GraphClassifier graphClassifier(Path file, String name, Graph graph, long[] shape) {
        try {
            return GraphClassifier.of(name, graph, shape);
        } catch (RuntimeException e) {
            throw new RobustGateException(file + ": " + e.getMessage(), e);
        }
    }

    /** The sample shape a ComputationGraph states: what its first layer reads. */
    static long[] naturalShape(ComputationGraph g) {
        var conf = g.getConfiguration();
        String in = conf.getNetworkInputs().get(0);
        for (String v : conf.getTopologicalOrderStr()) {
            if (conf.getVertexInputs().getOrDefault(v, java.util.List.of()).contains(in)
                    && conf.getVertices().get(v) instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv) {
                long[] shape = readBy(lv.getLayerConf().getLayer());
                if (shape != null) return shape;
            }
        }
        return new long[]{0, 0, 0};
    }

    /** {@code model} as a white box, or a one-line error saying why it is not one. */
    public static DifferentiableClassifier whiteBox(Classifier model) {
        if (model instanceof DifferentiableClassifier d) return d;
        throw new IllegalArgumentException(model.name() + " is a black box (scores only), so white-box attacks "
                + "cannot run on it; eval --attack square, steal and SquareAttack work on it");
    }

    /**
     * The sample shape a MultiLayerNetwork's configuration states: [C,H,W] from a feed-forward-to-CNN
     * preprocessor, [C,?,?] from a first convolution, [D] from a first dense layer (dimensions it
     * does not state are 0).
     */
    static long[] naturalShape(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        InputPreProcessor pre = conf.getInputPreProcess(0);
        if (pre instanceof FeedForwardToCnnPreProcessor p) {
            return new long[]{p.getNumChannels(), p.getInputHeight(), p.getInputWidth()};
        }
        long[] shape = readBy(conf.getConf(0).getLayer());
        return shape != null ? shape : new long[]{0, 0, 0};
    }

    /** The sample shape a first layer reads: [C,?,?] for a convolution, {@link #denseInput} for a dense layer, else null. */
    private static long[] readBy(Layer first) {
        if (first instanceof ConvolutionLayer c) return new long[]{c.getNIn(), 0, 0};
        if (first instanceof FeedForwardLayer f) return denseInput(f.getNIn());
        return null;
    }

    /** [D] for a dense input of D features; legacy: 784 features are the 28x28 grey images such victims were trained on. */
    static long[] denseInput(long features) {
        return features == 28 * 28 ? new long[]{1, 28, 28} : new long[]{features};
    }
}
