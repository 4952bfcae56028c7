package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.ClassProbabilities;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Softmax along one axis (ONNX opset 13 and later), or, in the opset 1-12 form, over all axes
 * from {@code axis} on, the input seen as a 2-D matrix. Gradient: y * (g - sum(g * y)).
 */
public final class Softmax implements ClassProbabilities {
    private final int axis;
    private final boolean coerce2d;

    public Softmax(int axis, boolean coerce2d) {
        this.axis = axis;
        this.coerce2d = coerce2d;
    }

    /** Softmax along the last axis, the classifier case. */
    public static Softmax lastAxis() {
        return new Softmax(-1, false);
    }

    @Override public int axis() { return axis; }
    public boolean coerce2d() { return coerce2d; }

    @Override public String type() { return "Softmax"; }

    private INDArray view(INDArray x) {
        if (!coerce2d) return x;
        int a = Tensors.axis(axis, x.rank());
        long[] s = x.shape();
        return x.reshape('c', Tensors.product(s, 0, a), Tensors.product(s, a, s.length));
    }

    private int dim(INDArray x) {
        return coerce2d ? 1 : Tensors.axis(axis, x.rank());
    }

    @Override
    public INDArray forward(INDArray[] in) {
        INDArray x = view(in[0]);
        INDArray y = Nd4j.createUninitialized(x.dataType(), x.shape());
        Nd4j.exec(new SoftMax(x, y, dim(x)));
        return coerce2d ? Tensors.reshapedOwned(y, in[0].shape()) : y;
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        INDArray y = view(out), gv = view(g);
        int d = dim(y);
        INDArray gy = gv.mul(y);
        INDArray s = gy.sum(true, d);
        gy.close();
        INDArray gx = gv.dup('c');
        Nd4j.exec(DynamicCustomOp.builder("subtract").addInputs(gx, s).addOutputs(gx).build());
        gx.muli(y);
        s.close();
        return new INDArray[]{coerce2d ? Tensors.reshapedOwned(gx, in[0].shape()) : gx};
    }
}
