package dev.robustgate.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.robustgate.RobustGateException;
import onnx.Onnx;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Any ONNX model as a score-only black box, run by ONNX Runtime: for models whose ops the
 * white-box graph executor lacks (Square, knockoff stealing and the masking checks need only
 * scores), and in tests as an independent forward oracle. Inputs are float32 in the model's own
 * layout; a model that ends in Softmax gives its output as the probabilities, any other model's
 * output is taken as logits ({@link #logits}) and softmaxed. A model with a fixed batch of 1 is
 * run one sample at a time. Every sample counts as one forward evaluation.
 */
public final class OnnxRuntimeClassifier implements Classifier, AutoCloseable {
    private static final int BATCH = 256;

    private final String name;
    private final Path file;
    private final OrtSession session;
    private final String inputName;
    private final long[] sampleShape;
    private final int batch;
    private final boolean outputIsSoftmax;
    private final int numClasses;
    private final EvaluationCounter counter = new EvaluationCounter();
    /** Why this file runs here rather than on the white-box graph executor; null when not a fallback. */
    private final String fallbackReason;

    private OnnxRuntimeClassifier(String name, Path file, OrtSession session, String inputName, long[] sampleShape,
                                  int batch, boolean outputIsSoftmax, String fallbackReason) {
        this.name = name;
        this.fallbackReason = fallbackReason;
        this.file = file;
        this.session = session;
        this.inputName = inputName;
        this.sampleShape = sampleShape.clone();
        this.batch = batch;
        this.outputIsSoftmax = outputIsSoftmax;
        this.numClasses = (int) run(Nd4j.zeros(DataType.FLOAT, concat(1, sampleShape))).size(1);
    }

    /**
     * {@code file} on samples shaped {@code sampleShape} (the model's own layout, without the batch
     * axis); a file ONNX Runtime cannot open, or a shape it refuses, is one line naming the file.
     */
    public static OnnxRuntimeClassifier load(Path file, long[] sampleShape) {
        return load(file, sampleShape, null);
    }

    /**
     * Like {@link #load(Path, long[])}, as the fallback for a file the graph executor refused:
     * {@code fallbackReason} (one line) says why, for the caller to show once if it goes ahead.
     * The library prints nothing, so executors and partitions that load the file stay quiet.
     */
    public static OnnxRuntimeClassifier load(Path file, long[] sampleShape, String fallbackReason) {
        if (!Files.isRegularFile(file)) throw new RobustGateException(file + ": no such model file");
        OrtSession session = null;
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(Math.max(1, Runtime.getRuntime().availableProcessors()));
            session = env.createSession(file.toString(), options);
            if (session.getNumInputs() != 1) {
                throw new RobustGateException(file + ": a classifier takes one input, the model declares " + session.getNumInputs());
            }
            Map.Entry<String, NodeInfo> in = session.getInputInfo().entrySet().iterator().next();
            long[] declared = in.getValue().getInfo() instanceof TensorInfo t ? t.getShape() : new long[0];
            int batch = declared.length > 0 && declared[0] == 1 ? 1 : BATCH;
            String name = file.getFileName().toString().replaceFirst("\\.onnx$", "");
            boolean softmax = endsInSoftmax(file);
            try {
                return new OnnxRuntimeClassifier(name, file, session, in.getKey(), sampleShape, batch, softmax, fallbackReason);
            } catch (RuntimeException e) {   // the probe run on one zero sample
                throw new RobustGateException(file + ": ONNX Runtime cannot run it on samples of shape ["
                        + InputSpec.format(sampleShape) + "] (" + firstLine(e.getCause() != null ? e.getCause() : e) + ")", e);
            }
        } catch (OrtException | RuntimeException e) {
            closeQuietly(session);
            if (e instanceof RobustGateException r) throw r;
            throw new RobustGateException(file + ": ONNX Runtime cannot open it (" + firstLine(e) + ")", e);
        }
    }

    /** Whether the model's (first) output is produced by a Softmax node, read from the protobuf. */
    private static boolean endsInSoftmax(Path file) {
        try {
            Onnx.GraphProto g = Onnx.ModelProto.parseFrom(Files.readAllBytes(file)).getGraph();
            String out = g.getOutput(0).getName();
            return g.getNodeList().stream().anyMatch(n -> n.getOutputList().contains(out) && n.getOpType().equals("Softmax"));
        } catch (java.io.IOException e) {
            throw new RobustGateException(file + ": cannot read the ONNX model (" + e.getMessage() + ")", e);
        }
    }

    @Override public String name() { return name; }

    /** Why the white-box graph executor refused this file, when it was loaded as its fallback. */
    public java.util.Optional<String> fallbackReason() { return java.util.Optional.ofNullable(fallbackReason); }
    @Override public long[] sampleShape() { return sampleShape.clone(); }
    @Override public int numClasses() { return numClasses; }
    @Override public EvaluationCounter counter() { return counter; }

    @Override
    public INDArray probabilities(INDArray inputs) {
        InputChecks.requireBatchOf(this, inputs);
        counter.addForward(inputs.size(0));
        INDArray out = run(inputs);
        return outputIsSoftmax ? out : Transforms.softmax(out, false);
    }

    /**
     * The model's raw output [N, K] (the logits for a model without a final Softmax), not counted:
     * for tests that use the runtime as a forward oracle.
     */
    public INDArray rawOutput(INDArray inputs) {
        InputChecks.requireBatchOf(this, inputs);
        return run(inputs);
    }

    private INDArray run(INDArray inputs) {
        long n = inputs.size(0);
        INDArray x = inputs.castTo(DataType.FLOAT);
        INDArray result = null;
        for (long from = 0; from < n; from += batch) {
            long to = Math.min(n, from + batch);
            INDArray part = x.get(NDArrayIndex.interval(from, to)).dup('c');
            INDArray out = runOnce(part);
            if (result == null) result = Nd4j.create(DataType.FLOAT, n, out.size(1));
            result.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).assign(out);
        }
        return result;
    }

    private synchronized INDArray runOnce(INDArray part) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(part.data().asFloat()), part.shape());
             OrtSession.Result r = session.run(Map.of(inputName, t))) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            long[] shape = out.getInfo().getShape();
            FloatBuffer fb = out.getFloatBuffer();
            float[] v = new float[fb.remaining()];
            fb.get(v);
            long rows = part.size(0);
            if (v.length % rows != 0) {
                throw new RobustGateException(file + ": output of shape " + Arrays.toString(shape) + " for " + rows + " samples");
            }
            return Nd4j.createFromArray(v).reshape('c', rows, v.length / rows);
        } catch (OrtException e) {
            throw new RobustGateException(file + ": ONNX Runtime failed (" + firstLine(e) + ")", e);
        }
    }

    @Override
    public void close() {
        closeQuietly(session);
    }

    private static void closeQuietly(OrtSession s) {
        if (s == null) return;
        try {
            s.close();
        } catch (OrtException ignored) {
            // closing a session that failed to open: nothing left to release
        }
    }

    private static long[] concat(long first, long[] rest) {
        long[] out = new long[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
