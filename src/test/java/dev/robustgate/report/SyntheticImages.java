package dev.robustgate.report;

import java.util.Random;

/** Small hand-made 28x28 "Fashion-MNIST-like" pictures and sign-pattern perturbations for report tests. */
final class SyntheticImages {

    static final int SIDE = 28;

    private SyntheticImages() {}

    /** A low-top shoe: sole, upper and a few lace strokes. */
    static float[] sneaker() {
        float[] px = new float[SIDE * SIDE];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                float v = 0f;
                boolean sole = y >= 19 && y <= 21 && x >= 2 && x <= 26;
                boolean upper = y >= 12 && y < 19 && x >= 4 && x <= 25 - Math.max(0, 18 - y);
                boolean heel = y >= 9 && y < 19 && x >= 3 && x <= 9;
                if (sole) {
                    v = 0.95f;
                } else if (upper || heel) {
                    v = 0.55f + 0.02f * (y - 9);
                    if ((x + y) % 5 == 0 && x > 10 && x < 20 && y < 16) {
                        v = 0.9f; // laces
                    }
                }
                px[y * SIDE + x] = v;
            }
        }
        return px;
    }

    /** A bag: a filled rectangle with a handle. */
    static float[] bag() {
        float[] px = new float[SIDE * SIDE];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                float v = 0f;
                if (y >= 11 && y <= 24 && x >= 4 && x <= 23) {
                    v = 0.6f + 0.012f * x;
                } else {
                    double r = Math.hypot(x - 13.5, y - 11);
                    if (y <= 11 && r >= 5 && r <= 6.5) {
                        v = 0.8f;
                    }
                }
                px[y * SIDE + x] = v;
            }
        }
        return px;
    }

    /** A T-shirt: body plus sleeves. */
    static float[] shirt() {
        float[] px = new float[SIDE * SIDE];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                boolean body = y >= 4 && y <= 25 && x >= 8 && x <= 19;
                boolean sleeves = y >= 4 && y <= 11 && x >= 2 && x <= 25 && (y - 4) >= Math.abs(x - 13.5) - 12;
                boolean neck = y <= 6 && Math.abs(x - 13.5) < 3;
                px[y * SIDE + x] = (body || sleeves) && !neck ? 0.7f + 0.01f * y : 0f;
            }
        }
        return px;
    }

    /** An L-inf "PGD-like" perturbation: +-eps on most pixels, clipped so the result stays in [0,1]. */
    static float[] perturb(float[] clean, float eps, long seed) {
        Random r = new Random(seed);
        float[] adv = new float[clean.length];
        for (int i = 0; i < clean.length; i++) {
            float step = r.nextFloat() < 0.15f ? 0f : (r.nextBoolean() ? eps : -eps) * (0.5f + 0.5f * r.nextFloat());
            adv[i] = Math.max(0f, Math.min(1f, clean[i] + step));
        }
        return adv;
    }
}
