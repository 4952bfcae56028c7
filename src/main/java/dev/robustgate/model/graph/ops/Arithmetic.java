package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Add, Sub, Mul and Div with numpy broadcasting. The gradient of a broadcast operand is the
 * output gradient summed over the axes it was broadcast along.
 */
public final class Arithmetic implements Op {
    private enum Kind { ADD("Add", "add"), SUB("Sub", "subtract"), MUL("Mul", "multiply"), DIV("Div", "divide");
        final String onnx, libnd4j;
        Kind(String onnx, String libnd4j) { this.onnx = onnx; this.libnd4j = libnd4j; }
    }

    private final Kind kind;

    private Arithmetic(Kind kind) {
        this.kind = kind;
    }

    public static Arithmetic add() { return new Arithmetic(Kind.ADD); }
    public static Arithmetic sub() { return new Arithmetic(Kind.SUB); }
    public static Arithmetic mul() { return new Arithmetic(Kind.MUL); }
    public static Arithmetic div() { return new Arithmetic(Kind.DIV); }

    @Override public String type() { return kind.onnx; }

    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean gradientFree(int i) { return false; }

    @Override
    public INDArray forward(INDArray[] in) {
        return apply(kind.libnd4j, in[0], in[1]);
    }

    private static INDArray apply(String op, INDArray a, INDArray b) {
        long[] shape = Tensors.broadcast(a.shape(), b.shape());
        int r = shape.length;
        INDArray out = Nd4j.createUninitialized(a.dataType(), shape);
        Nd4j.exec(DynamicCustomOp.builder(op).addInputs(Tensors.toRank(a, r), Tensors.toRank(b, r)).addOutputs(out).build());
        return out;
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        INDArray a = in[0], b = in[1];
        INDArray[] gs = new INDArray[2];
        switch (kind) {
            case ADD -> {
                if (need[0]) gs[0] = Tensors.sumToShape(g, a.shape());
                if (need[1]) gs[1] = Tensors.sumToShape(g, b.shape());
            }
            case SUB -> {
                if (need[0]) gs[0] = Tensors.sumToShape(g, a.shape());
                if (need[1]) gs[1] = reduceFresh(g.neg(), b.shape());
            }
            case MUL -> {
                if (need[0]) gs[0] = reduceFresh(apply("multiply", g, b), a.shape());
                if (need[1]) gs[1] = reduceFresh(apply("multiply", g, a), b.shape());
            }
            case DIV -> {
                if (need[0]) gs[0] = reduceFresh(apply("divide", g, b), a.shape());
                if (need[1]) {
                    // d(a/b)/db = -a / b^2 = -out / b
                    INDArray t = apply("divide", out, b).muli(g).negi();
                    gs[1] = reduceFresh(t, b.shape());
                }
            }
        }
        return gs;
    }

    /** {@code t} (a fresh temporary) summed to {@code shape}; frees {@code t} when a new array results. */
    private static INDArray reduceFresh(INDArray t, long[] shape) {
        INDArray r = Tensors.sumToShape(t, shape);
        if (r != t) t.close();
        return r;
    }
}
