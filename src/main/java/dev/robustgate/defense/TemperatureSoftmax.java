package dev.robustgate.defense;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.SoftmaxBp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * softmax(z / T), the output activation of defensive distillation's teacher and student. At
 * T = 1 it is the ordinary softmax. DL4J serialises activations by class name and fields, so a
 * network using it saves and restores with its temperature.
 */
public final class TemperatureSoftmax extends BaseActivationFunction {
    /** Not final: DL4J's JSON restores it through the field. */
    private double temperature;

    /** For DL4J's JSON deserialisation only. */
    @SuppressWarnings("unused")
    private TemperatureSoftmax() {
        this(1.0);
    }

    public TemperatureSoftmax(double temperature) {
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number > 0, got " + temperature);
        }
        this.temperature = temperature;
    }

    public double temperature() {
        return temperature;
    }

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        in.divi(temperature);
        Nd4j.getExecutioner().execAndReturn(new SoftMax(in, in));
        return in;
    }

    /** dL/dz = (1/T) * softmax'(z/T) applied to dL/da; written into {@code in}, as DL4J's activations do. */
    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        in.divi(temperature);
        Nd4j.getExecutioner().execAndReturn(new SoftmaxBp(in, epsilon, in, -1));
        in.divi(temperature);
        return new Pair<>(in, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TemperatureSoftmax t && t.temperature == temperature;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(temperature);
    }

    @Override
    public String toString() {
        return "softmax(z/" + temperature + ")";
    }
}
