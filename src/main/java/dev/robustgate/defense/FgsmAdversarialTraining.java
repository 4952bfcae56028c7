package dev.robustgate.defense;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * FGSM adversarial training (Goodfellow et al. 2015, in the batch-mixing form of Kurakin et al.
 * 2017): in every minibatch a fraction {@code adversarialFraction} of the (shuffled) samples is
 * replaced by FGSM examples crafted against the network as it stands, the rest stay clean.
 * A fraction of 0.5 weighs the clean and the adversarial loss equally, as in the original.
 */
public record FgsmAdversarialTraining(double eps, double adversarialFraction) implements Defense {
    public FgsmAdversarialTraining {
        if (!(eps > 0 && eps <= 1)) throw new IllegalArgumentException("eps must be in (0, 1], got " + eps);
        if (!(adversarialFraction >= 0 && adversarialFraction <= 1)) {
            throw new IllegalArgumentException("adversarial fraction must be in [0, 1], got " + adversarialFraction);
        }
    }

    @Override
    public MultiLayerNetwork train(TrainingSetup setup) {
        Adversary fgsm = Adversary.fgsm(eps);
        MultiLayerNetwork net = setup.networks().create(setup.seed());
        return TrainingLoop.fit(setup, setup.victim(), net, setup.train().labelsOneHot(),
                (n, x, y, seed) -> mix(n, x, y, fgsm, adversarialFraction, seed),
                EpochMonitor.against(setup, describe(), fgsm, null));
    }

    /** The first round(fraction * m) rows (random ones: the batch is shuffled) become adversarial. */
    static INDArray mix(MultiLayerNetwork net, INDArray x, INDArray y, Adversary adversary, double fraction, long seed) {
        long m = x.size(0);
        long k = Math.round(fraction * m);
        if (k == 0) return x;
        if (k == m) return adversary.craft(net, x, y, seed);
        INDArray head = x.get(NDArrayIndex.interval(0, k)).dup();
        INDArray adv = adversary.craft(net, head, y.get(NDArrayIndex.interval(0, k), NDArrayIndex.all()).dup(), seed);
        return Nd4j.concat(0, adv, x.get(NDArrayIndex.interval(k, m)).dup());
    }

    @Override
    public String describe() {
        return "FGSM adversarial training (eps " + eps + ", adversarial fraction " + adversarialFraction + ")";
    }
}
