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
        return norm == Norm.LINF ? linf(w, sign, aw, room, c, d) : l2(w, sign, aw, room, c, d);
    }

    private static double[] linf(double[] w, double sign, double[] aw, double[] room, double c, double[] d) {
        int n = aw.length;
        Integer[] order = sortedBy(room, aw);
        // g(lambda) = sum_{room_i <= lambda} aw_i room_i + lambda * sum_{room_i > lambda} aw_i, over w_i != 0.
        double below = 0;
        double above = 0;
        for (int i = 0; i < n; i++) above += aw[i];
        double lambda = Double.NaN;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            if (aw[i] == 0) continue;
            // On [previous breakpoint, room_i] the slope is "above".
            double reach = below + room[i] * above;
            if (reach >= c) {
                lambda = above > 0 ? (c - below) / above : room[i];
                break;
            }
            below += aw[i] * room[i];
            above -= aw[i];
        }
        for (int i = 0; i < n; i++) {
            if (aw[i] == 0) continue;
            double s = Math.signum(w[i] * sign);
            d[i] = s * (Double.isNaN(lambda) ? room[i] : Math.min(lambda, room[i]));
        }
        return d;
    }

    private static double[] l2(double[] w, double sign, double[] aw, double[] room, double c, double[] d) {
        int n = aw.length;
        // Coordinate i saturates at mu_i = room_i / aw_i; h(mu) = sum_sat aw_i room_i + mu sum_unsat aw_i^2.
        double[] mu = new double[n];
        for (int i = 0; i < n; i++) mu[i] = aw[i] > 0 ? room[i] / aw[i] : Double.POSITIVE_INFINITY;
        Integer[] order = sortedBy(mu, aw);
        double saturated = 0;
        double slope = 0;
        for (int i = 0; i < n; i++) slope += aw[i] * aw[i];
        double solution = Double.NaN;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            if (aw[i] == 0) continue;
            double reach = saturated + mu[i] * slope;
            if (reach >= c) {
                solution = slope > 0 ? (c - saturated) / slope : mu[i];
                break;
            }
            saturated += aw[i] * room[i];
            slope -= aw[i] * aw[i];
        }
        for (int i = 0; i < n; i++) {
            if (aw[i] == 0) continue;
            double s = Math.signum(w[i] * sign);
            d[i] = s * (Double.isNaN(solution) ? room[i] : Math.min(solution * aw[i], room[i]));
        }
        return d;
    }

    private static Integer[] sortedBy(double[] key, double[] aw) {
        Integer[] idx = new Integer[key.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, (a, b) -> Double.compare(key[a], key[b]));
        return idx;
    }
}
