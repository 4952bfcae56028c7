package dev.robustgate.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * A model seen through its {@link InputSpec}: callers give pixels in [0,1], NCHW (or [N, D]), and
 * the adapter maps them into the model's own space (range, mean/std, layout) before every call.
 * The threat model (eps, the [0,1] box) therefore stays in pixel space whatever the model
 * expects. Input gradients are chained through the map: with {@code z = x * scale_c + shift_c},
 * {@code dL/dx = dL/dz * scale_c} (for plain mean/std, {@code dL/dz / std_c}).
 *
 * <p>The wrapped model speaks its own layout: its {@link Classifier#sampleShape()} must be
 * {@link InputSpec#modelShape()} (e.g. [32, 32, 3] for an NHWC model of 3x32x32 images), which is
 * checked once here. A batch of the wrong shape is refused with one line before any work.
 * {@link #wrap(Classifier, InputSpec)} keeps a black box black: only a
 * {@link DifferentiableClassifier} comes back differentiable.
 */
public class InputAdapter implements Classifier {
    final Classifier model;
    final InputSpec spec;
    private final INDArray scale;
    private final INDArray shift;

    InputAdapter(Classifier model, InputSpec spec) {
        this.model = model;
        this.spec = spec;
        long[] takes = model.sampleShape();
        if (!Arrays.equals(takes, spec.modelShape())) {
            throw new IllegalArgumentException(model.name() + " takes samples of shape [" + InputSpec.format(takes)
                    + "] (its own layout), but the input declaration (" + spec + ") gives [" + InputSpec.format(spec.modelShape()) + "]");
        }
        if (!spec.classes().isEmpty() && spec.classes().size() != model.numClasses()) {
            throw new IllegalArgumentException(model.name() + " has " + model.numClasses() + " classes, but "
                    + spec.classes().size() + " class names were declared: " + spec.classes());
        }
        int c = spec.perChannel() ? (int) spec.channels() : 1;
        double[] sc = new double[c], sh = new double[c];
        for (int i = 0; i < c; i++) {
            sc[i] = spec.scale(i);
            sh[i] = spec.shift(i);
        }
        this.scale = Nd4j.createFromArray(sc);
        this.shift = Nd4j.createFromArray(sh);
    }

    /** {@code model} (taking its own layout and value space) as a pixel-space black box. */
    public static Classifier wrap(Classifier model, InputSpec spec) {
        return model instanceof DifferentiableClassifier d ? wrap(d, spec) : new InputAdapter(model, spec);
    }

    /**
     * {@code model} itself when {@code spec} changes nothing (pixels in [0,1], the model's own
     * shape, no class names), else {@link #wrap(Classifier, InputSpec)}: callers that look for a
     * concrete adapter (a Dl4jClassifier's execution mode, say) still find it.
     */
    public static Classifier wrapIfNeeded(Classifier model, InputSpec spec) {
        if (spec.mapsPixelsUnchanged() && spec.classes().isEmpty() && Arrays.equals(model.sampleShape(), spec.shape())) {
            return model;
        }
        return wrap(model, spec);
    }

    /** {@code model} as a pixel-space white box; gradients come back in pixel space. */
    public static DifferentiableClassifier wrap(DifferentiableClassifier model, InputSpec spec) {
        return new Differentiable(model, spec);
    }

    public InputSpec spec() { return spec; }

    /** The model in its own space, as wrapped. */
    public Classifier unwrap() { return model; }

    @Override public String name() { return model.name(); }
    @Override public long[] sampleShape() { return spec.shape(); }
    @Override public int numClasses() { return model.numClasses(); }
    @Override public EvaluationCounter counter() { return model.counter(); }

    @Override
    public INDArray probabilities(INDArray inputs) {
        return throughModel(inputs, model::probabilities);
    }

    /** {@code call} on the batch mapped into the model's space, the mapped copy freed after. */
    INDArray throughModel(INDArray inputs, java.util.function.UnaryOperator<INDArray> call) {
        InputChecks.requireBatchOf(this, inputs);
        INDArray z = toModel(inputs);
        try {
            return call.apply(z);
        } finally {
            release(z, inputs);
        }
    }

    /** A pixel-space batch [N, ...shape] in the model's layout and value space. */
    public INDArray toModel(INDArray x) {
        INDArray z = x;
        if (!spec.mapsPixelsUnchanged()) {
            if (!spec.perChannel()) {
                z = x.mul(scale.getDouble(0)).addi(shift.getDouble(0));
            } else {
                z = Broadcast.mul(x, scale.castTo(x.dataType()), x.ulike(), 1);
                Broadcast.add(z, shift.castTo(x.dataType()), z, 1);
            }
        }
        return switch (spec.layout()) {
            case NCHW -> z;
            case FLAT -> z.reshape('c', z.size(0), spec.sampleLength());
            // One channel: NCHW and NHWC hold the same numbers in the same order.
            case NHWC -> spec.channels() == 1 ? z.reshape('c', z.size(0), z.size(2), z.size(3), 1)
                    : owned(z.permute(0, 2, 3, 1).dup('c'), z, x);
        };
    }

    /** A gradient in the model's layout and space, as d/dx in pixel space, shaped like {@code like}. */
    INDArray fromModel(INDArray g, long[] like) {
        INDArray back = switch (spec.layout()) {
            case NCHW, FLAT -> g.reshape('c', like);
            case NHWC -> spec.channels() == 1 ? g.reshape('c', like) : g.permute(0, 3, 1, 2).dup('c');
        };
        if (spec.mapsPixelsUnchanged()) return back;
        if (!spec.perChannel()) return back.muli(scale.getDouble(0));
        return Broadcast.mul(back, scale.castTo(back.dataType()), back, 1);   // g is ours: the model returned it fresh
    }

    /** Frees {@code tmp} when it is an intermediate of ours (not the caller's array or a view of it). */
    static void release(INDArray tmp, INDArray callers) {
        if (tmp != callers && !tmp.isView() && tmp.closeable() && !tmp.wasClosed()) tmp.close();
    }

    private static INDArray owned(INDArray result, INDArray intermediate, INDArray callers) {
        release(intermediate, callers);
        return result;
    }

    @Override
    public String toString() {
        return model.name() + " (" + spec + ")";
    }

    /** The white-box adapter: logits pass through, gradients are chained through the input map. */
    static final class Differentiable extends InputAdapter implements DifferentiableClassifier {
        private final DifferentiableClassifier white;

        Differentiable(DifferentiableClassifier model, InputSpec spec) {
            super(model, spec);
            this.white = model;
        }

        @Override public boolean hasInputGradients() { return white.hasInputGradients(); }

        @Override
        public INDArray logits(INDArray inputs) {
            return throughModel(inputs, white::logits);
        }

        @Override
        public INDArray lossGradient(INDArray inputs, int[] labels) {
            return chained(inputs, z -> white.lossGradient(z, labels));
        }

        @Override public boolean seedsLogitGradient() { return white.seedsLogitGradient(); }

        @Override
        public INDArray logitGradient(INDArray inputs, INDArray weights) {
            return chained(inputs, z -> white.logitGradient(z, weights));
        }

        /** A gradient the model computes at its own input, chained back through the input map. */
        private INDArray chained(INDArray inputs, java.util.function.UnaryOperator<INDArray> atModelInput) {
            InputChecks.requireBatchOf(this, inputs);
            INDArray z = toModel(inputs);
            INDArray g;
            try {
                g = atModelInput.apply(z);
            } finally {
                release(z, inputs);
            }
            return fromModel(g, inputs.shape());
        }
    }
}
