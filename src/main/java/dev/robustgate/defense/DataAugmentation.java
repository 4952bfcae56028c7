package dev.robustgate.defense;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Training on randomly transformed images: each sample of each minibatch is rotated by up to
 * {@code maxRotationDegrees}, shifted by up to {@code maxShiftPixels} in each direction and, when
 * {@code horizontalFlip}, mirrored with probability 1/2 (label-preserving for clothing; not for
 * digits). The counterpart of adversarial training in the specs: it changes the data the network
 * sees without looking for its worst case.
 */
public record DataAugmentation(int maxShiftPixels, double maxRotationDegrees, boolean horizontalFlip) implements Defense {
    static final double MONITOR_EPS = 0.1;

    public DataAugmentation {
        if (maxShiftPixels < 0 || maxShiftPixels > 8) {
            throw new IllegalArgumentException("max shift must be in [0, 8] pixels, got " + maxShiftPixels);
        }
        if (!(maxRotationDegrees >= 0 && maxRotationDegrees <= 45)) {
            throw new IllegalArgumentException("max rotation must be in [0, 45] degrees, got " + maxRotationDegrees);
        }
    }

    @Override
    public MultiLayerNetwork train(TrainingSetup setup) {
        long[] image = setup.train().sampleShape();
        if (image.length != 3) {
            throw new IllegalArgumentException(setup.victim() + ": data augmentation needs [C, H, W] images, got samples of shape "
                    + java.util.Arrays.toString(image));
        }
        MultiLayerNetwork net = setup.networks().create(setup.seed());
        return TrainingLoop.fit(setup, setup.victim(), net, setup.train().labelsOneHot(),
                (n, x, y, seed) -> augment(x, image, seed),
                EpochMonitor.against(setup, describe(), Adversary.fgsm(MONITOR_EPS), null));
    }

    /** Transformed copies of the rows of {@code x} ([m, ...] holding [C, H, W] images), in x's shape. */
    INDArray augment(INDArray x, long[] image, long seed) {
        int m = (int) x.size(0);
        int c = (int) image[0], h = (int) image[1], w = (int) image[2];
        float[] in = x.dup().reshape(m, (long) c * h * w).data().asFloat();
        float[] out = new float[in.length];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < m; i++) {
            double angle = Math.toRadians((rnd.nextDouble() * 2 - 1) * maxRotationDegrees);
            int dx = maxShiftPixels == 0 ? 0 : rnd.nextInt(-maxShiftPixels, maxShiftPixels + 1);
            int dy = maxShiftPixels == 0 ? 0 : rnd.nextInt(-maxShiftPixels, maxShiftPixels + 1);
            boolean flip = horizontalFlip && rnd.nextBoolean();
            for (int ch = 0; ch < c; ch++) {
                int off = (i * c + ch) * h * w;
                transform(in, out, off, h, w, angle, dx, dy, flip);
            }
        }
        return Nd4j.create(out, x.shape());
    }

    /**
     * Inverse mapping: each output pixel samples the source bilinearly at the point that the flip,
     * rotation about the centre and shift carry onto it; outside the image is background (0).
     */
    private static void transform(float[] in, float[] out, int off, int h, int w, double angle, int dx, int dy, boolean flip) {
        double cy = (h - 1) / 2.0, cx = (w - 1) / 2.0;
        double cos = Math.cos(angle), sin = Math.sin(angle);
        for (int r = 0; r < h; r++) {
            for (int col = 0; col < w; col++) {
                double ox = col - dx - cx, oy = r - dy - cy;
                double sx = cos * ox + sin * oy + cx;
                double sy = -sin * ox + cos * oy + cy;
                if (flip) sx = (w - 1) - sx;
                out[off + r * w + col] = bilinear(in, off, h, w, sy, sx);
            }
        }
    }

    private static float bilinear(float[] img, int off, int h, int w, double y, double x) {
        int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y);
        double fx = x - x0, fy = y - y0;
        double v = (1 - fy) * ((1 - fx) * pixel(img, off, h, w, y0, x0) + fx * pixel(img, off, h, w, y0, x0 + 1))
                + fy * ((1 - fx) * pixel(img, off, h, w, y0 + 1, x0) + fx * pixel(img, off, h, w, y0 + 1, x0 + 1));
        return (float) Math.min(1.0, Math.max(0.0, v));
    }

    private static float pixel(float[] img, int off, int h, int w, int y, int x) {
        return y < 0 || y >= h || x < 0 || x >= w ? 0f : img[off + y * w + x];
    }

    @Override
    public String describe() {
        return "data augmentation (shift <= " + maxShiftPixels + " px, rotation <= " + maxRotationDegrees + " deg"
                + (horizontalFlip ? ", horizontal flips" : "") + ")";
    }
}
