package dev.robustgate.attack;

/** Index bookkeeping shared by the runner and the kernels, which work on shrinking subsets of rows. */
final class Rows {
    private Rows() {}

    /** {@code a[idx[0]], a[idx[1]], ...} */
    static int[] pick(int[] a, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) out[i] = a[idx[i]];
        return out;
    }

    /** Positions where {@code flags} is {@code value}, in order. */
    static int[] where(boolean[] flags, boolean value) {
        int c = 0;
        for (boolean f : flags) if (f == value) c++;
        int[] out = new int[c];
        int k = 0;
        for (int i = 0; i < flags.length; i++) if (flags[i] == value) out[k++] = i;
        return out;
    }
}
