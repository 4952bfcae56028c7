package dev.robustgate.attack;

import java.util.Arrays;

/**
 * The smallest step (in Linf or L2) from a point t of the box [0, 1]^D onto a hyperplane w.x = b
 * without leaving the box: FAB's projection (Croce &amp; Hein 2020, section 3). With c = b - w.t made
 * positive by flipping w, the step moving coordinate i towards sign(w_i) has room r_i (1 - t_i or
 * t_i). In Linf the step is sign(w_i) min(lambda, r_i) and w.d grows piecewise linearly in lambda;
 * in L2 it is clip(mu w_i) and w.d grows piecewise linearly in mu. Both are solved exactly by one
 * sort of the breakpoints. When the hyperplane lies beyond the box, the step goes to the box's
 * corner nearest it (the largest w.d the box allows).
 */
final class BoxedHyperplane {
    private BoxedHyperplane() {}

    /** The step d with w.(t + d) = b (or as close as the box allows), of least norm. */
    static double[] step(double[] t, double[] w, double b, Norm norm) {
        int n = t.length;
        double c = b;
        for (int i = 0; i < n; i++) c -= w[i] * t[i];
        double sign = c >= 0 ? 1 : -1;
        c *= sign;
        double[] d = new double[n];
        if (c == 0) return d;
        double[] aw = new double[n];
        double[] room = new double[n];
        for (int i = 0; i < n; i++) {
            double wi = w[i] * sign;
            aw[i] = Math.abs(wi);
            room[i] = wi > 0 ? 1 - t[i] : t[i];
        }
        // Linf moves every coordinate at the same rate (d_i = min(lambda, r_i)), L2 at rate |w_i| (d_i = min(mu |w_i|, r_i)).
        double[] rate = aw;
        if (norm == Norm.LINF) {
            rate = new double[n];
            Arrays.fill(rate, 1.0);
        }
        return alongRates(w, sign, aw, room, rate, c, d);
    }

    /**
     * Coordinate i moves at {@code rate_i} per unit of the parameter p until it saturates at p_i = room_i / rate_i;
     * g(p) = sum_{saturated} aw_i room_i + p sum_{unsaturated} aw_i rate_i is piecewise linear and increasing,
     * so its crossing of c lies between two sorted breakpoints. The step is min(p rate_i, room_i) towards
     * sign(w_i); every coordinate saturated when g never reaches c.
     */
    private static double[] alongRates(double[] w, double sign, double[] aw, double[] room, double[] rate, double c, double[] d) {
        int n = aw.length;
        double[] breakpoint = new double[n];
        for (int i = 0; i < n; i++) breakpoint[i] = aw[i] > 0 ? room[i] / rate[i] : Double.POSITIVE_INFINITY;
        Integer[] order = sortedBy(breakpoint);
        double saturated = 0;
        double slope = 0;
        for (int i = 0; i < n; i++) slope += aw[i] * rate[i];
        double p = Double.NaN;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            if (aw[i] == 0) continue;
            // Up to this breakpoint the slope is "slope".
            double reach = saturated + breakpoint[i] * slope;
            if (reach >= c) {
                p = slope > 0 ? (c - saturated) / slope : breakpoint[i];
                break;
            }
            saturated += aw[i] * room[i];
            slope -= aw[i] * rate[i];
        }
        for (int i = 0; i < n; i++) {
            if (aw[i] == 0) continue;
            double s = Math.signum(w[i] * sign);
            d[i] = s * (Double.isNaN(p) ? room[i] : Math.min(p * rate[i], room[i]));
        }
        return d;
    }

    /** Indices by ascending key; a stable sort, so equal keys keep index order. */
    private static Integer[] sortedBy(double[] key) {
        Integer[] idx = new Integer[key.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, (a, b) -> Double.compare(key[a], key[b]));
        return idx;
    }
}
