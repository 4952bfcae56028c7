package dev.robustgate.inversion;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Random;

/**
 * A two-layer perceptron in= [N, I] -> leaky ReLU(0.2) hidden [N, H] -> linear [N, O], with its own
 * backward pass and Adam. The GAN needs gradients through the discriminator into the generator's
 * output, which a hand-written pass gives in a few lines; both networks are this small by design
 * (CPU-cheap inversion).
 */
final class Mlp2 {
    private static final double SLOPE = 0.2;
    final INDArray w1, b1, w2, b2;
    private final INDArray[] params;
    private final INDArray[] m, v;
    private final double lr, beta1, beta2 = 0.999, eps = 1e-8;
    private int t;

    // Forward cache for backward().
    private INDArray in, pre, hidden;

    Mlp2(int inputs, int hiddenUnits, int outputs, double lr, double beta1, Random random) {
        w1 = init(inputs, hiddenUnits, random);
        b1 = Nd4j.zeros(DataType.FLOAT, 1, hiddenUnits);
        w2 = init(hiddenUnits, outputs, random);
        b2 = Nd4j.zeros(DataType.FLOAT, 1, outputs);
        params = new INDArray[]{w1, b1, w2, b2};
        m = new INDArray[4];
        v = new INDArray[4];
        for (int i = 0; i < 4; i++) {
            m[i] = Nd4j.zerosLike(params[i]);
            v[i] = Nd4j.zerosLike(params[i]);
        }
        this.lr = lr;
        this.beta1 = beta1;
    }

    private static INDArray init(int fanIn, int fanOut, Random random) {
        // He-style scale for the leaky-ReLU layer; seeded so the GAN is deterministic.
        float[] w = new float[fanIn * fanOut];
        double s = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < w.length; i++) w[i] = (float) (random.nextGaussian() * s);
        return Nd4j.create(w, new long[]{fanIn, fanOut}, 'c');
    }

    /** Linear outputs [N, O]; caches what backward() needs. */
    INDArray forward(INDArray x) {
        in = x;
        pre = x.mmul(w1).addiRowVector(b1);
        hidden = Transforms.leakyRelu(pre, SLOPE, true);
        return hidden.mmul(w2).addiRowVector(b2);
    }

    /** Gradients for the last forward() given dLoss/dOutput; returns dLoss/dInput. */
    INDArray backward(INDArray dOut, INDArray[] gradsOut) {
        gradsOut[2] = hidden.transpose().mmul(dOut);
        gradsOut[3] = dOut.sum(true, 0);
        INDArray dHidden = dOut.mmul(w2.transpose());
        INDArray slope = pre.gt(0).castTo(DataType.FLOAT).muli(1 - SLOPE).addi(SLOPE);
        INDArray dPre = dHidden.muli(slope);
        gradsOut[0] = in.transpose().mmul(dPre);
        gradsOut[1] = dPre.sum(true, 0);
        return dPre.mmul(w1.transpose());
    }

    void adamStep(INDArray[] grads) {
        t++;
        double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
        for (int i = 0; i < 4; i++) {
            m[i].muli(beta1).addi(grads[i].mul(1 - beta1));
            v[i].muli(beta2).addi(grads[i].mul(grads[i]).muli(1 - beta2));
            INDArray step = m[i].div(c1).divi(Transforms.sqrt(v[i].div(c2), false).addi(eps)).muli(lr);
            params[i].subi(step);
        }
    }
}
