package dev.robustgate.attack;

/**
 * What the kernels read off one row of logits: the top class, the classes in order of likelihood,
 * and the margin of the attack's goal class over its strongest rival. Ties go to the lowest class
 * index everywhere, so every kernel breaks them alike.
 */
final class Logits {
    private Logits() {}

    /** The arg-max (the model's prediction), the first of equal maxima. */
    static int top(double[] z) {
        int best = 0;
        for (int c = 1; c < z.length; c++) if (z[c] > z[best]) best = c;
        return best;
    }

    /** The classes from most to least likely (a stable sort: equal logits keep class order). */
    static int[] descending(double[] z) {
        Integer[] idx = new Integer[z.length];
        for (int i = 0; i < z.length; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(z[b], z[a]));
        int[] out = new int[z.length];
        for (int i = 0; i < z.length; i++) out[i] = idx[i];
        return out;
    }

    /**
     * Per row, the {@code n} most likely classes other than the row's label, most likely first: the
     * target classes that APGD-T and FAB-T try in turn.
     */
    static int[][] likeliestOthers(double[][] z, int[] labels, int n) {
        int[][] plan = new int[z.length][n];
        for (int i = 0; i < z.length; i++) {
            int k = 0;
            for (int c : descending(z[i])) if (c != labels[i] && k < n) plan[i][k++] = c;
        }
        return plan;
    }

    /**
     * The goal's margin at one row: {@code rival} is the most likely class other than {@code goal} (the
     * label, or the target when {@code targeted}); {@code value} is z_label - z_rival untargeted and
     * z_rival - z_target targeted, so it is below 0 once the goal is reached (up to ties of the top class).
     */
    record Margin(int top, int rival, double value) {}

    static Margin margin(double[] z, int goal, boolean targeted) {
        int rival = -1;
        for (int c = 0; c < z.length; c++) if (c != goal && (rival < 0 || z[c] > z[rival])) rival = c;
        double value = targeted ? z[rival] - z[goal] : z[goal] - z[rival];
        return new Margin(top(z), rival, value);
    }
}
