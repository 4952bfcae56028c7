package dev.robustgate.model.graph;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;

/**
 * Central finite differences of L(x) = sum(output * R) for a fixed random R, against the graph's
 * input gradient seeded with R; in double precision, h = 1e-6, so the error is O(h^2) ~ 1e-10
 * apart from rounding (~1e-10 / h).
 */
final class FiniteDifferences {
    private FiniteDifferences() {}

    /** max |analytic - numeric| / max(1, max |numeric|) over every element of input {@code wrt}. */
    static double maxRelativeError(Graph g, Map<String, INDArray> feeds, String wrt, long seed) {
        String out = g.outputs().get(0);
        INDArray y = g.run(feeds, java.util.List.of(out)).get(out);
        INDArray r = random(seed, y.shape());
        INDArray analytic = g.inputGradient(feeds, wrt, out, o -> r.dup());
        INDArray x = feeds.get(wrt);
        INDArray flat = x.reshape(-1);
        double h = 1e-6, worst = 0, scale = 1;
        INDArray aFlat = analytic.dup('c').reshape(-1);
        for (long i = 0; i < flat.length(); i++) {
            double v = flat.getDouble(i);
            flat.putScalar(i, v + h);
            double up = loss(g, feeds, r);
            flat.putScalar(i, v - h);
            double down = loss(g, feeds, r);
            flat.putScalar(i, v);
            double numeric = (up - down) / (2 * h);
            scale = Math.max(scale, Math.abs(numeric));
            worst = Math.max(worst, Math.abs(numeric - aFlat.getDouble(i)));
        }
        return worst / scale;
    }

    private static double loss(Graph g, Map<String, INDArray> feeds, INDArray r) {
        String out = g.outputs().get(0);
        return g.run(new HashMap<>(feeds), java.util.List.of(out)).get(out).mul(r).sumNumber().doubleValue();
    }

    static INDArray random(long seed, long... shape) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        long n = 1;
        for (long d : shape) n *= d;
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = rng.nextDouble(-1, 1);
        return Nd4j.create(v, shape, 'c');
    }
}
