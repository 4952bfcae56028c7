package dev.robustgate.defense;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Linf adversarial examples crafted during training against the network being trained. Unlike
 * the attack package's evaluators, every sample is attacked (also the misclassified ones) and
 * PGD runs all its steps: training wants the loss maximised, not a first success.
 *
 * @param steps 1 with no random start and step = eps is FGSM
 */
record Adversary(double eps, int steps, double stepSize, boolean randomStart) {
    Adversary {
        if (!(eps > 0 && eps <= 1)) throw new IllegalArgumentException("eps must be in (0, 1], got " + eps);
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        if (!(stepSize > 0) || !Double.isFinite(stepSize)) {
            throw new IllegalArgumentException("step size must be a finite number > 0, got " + stepSize);
        }
    }

    static Adversary fgsm(double eps) {
        return new Adversary(eps, 1, eps, false);
    }

    String describe() {
        String e = fmt(eps);
        return steps == 1 && !randomStart && stepSize == eps ? "FGSM-Linf(eps=" + e + ")"
                : "PGD-Linf(eps=" + e + ", " + steps + "x" + fmt(stepSize) + (randomStart ? ", random start" : "") + ")";
    }

    /** Adversarial versions of {@code x} (network layout, pixels in [0,1]) for targets {@code y}. */
    INDArray craft(MultiLayerNetwork net, INDArray x, INDArray y, long seed) {
        INDArray adv = x.dup();
        if (randomStart) {
            adv.addi(uniformNoise(x.shape(), seed));
            clip(adv, x);
        }
        for (int step = 0; step < steps; step++) {
            // dup: the gradient lives in DL4J workspace memory that the next call reuses.
            INDArray g = net.calculateGradients(adv, y, null, null).getSecond().dup();
            adv.addi(Transforms.sign(g, false).muli(stepSize));
            clip(adv, x);
        }
        return adv;
    }

    /** Into the eps-ball around x0, then into the pixel box [0,1]. */
    private void clip(INDArray adv, INDArray x0) {
        INDArray delta = adv.subi(x0);
        Transforms.min(delta, eps, false);
        Transforms.max(delta, -eps, false);
        delta.addi(x0);
        Transforms.min(delta, 1.0, false);
        Transforms.max(delta, 0.0, false);
    }

    private INDArray uniformNoise(long[] shape, long seed) {
        int len = Math.toIntExact(java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b));
        float[] buf = new float[len];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < len; i++) buf[i] = (float) ((rnd.nextDouble() * 2 - 1) * eps);
        return Nd4j.create(buf, shape);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%s", v);
    }
}
