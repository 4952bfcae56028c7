package dev.robustgate.defense;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * PGD adversarial training (Madry et al. 2018): every minibatch is replaced by Linf PGD examples,
 * {@code steps} signed-gradient steps of {@code stepSize} from a uniform random start in the
 * eps-ball, crafted against the network as it stands; the network never sees the clean batch.
 */
public record PgdAdversarialTraining(double eps, int steps, double stepSize, boolean randomStart) implements Defense {
    public PgdAdversarialTraining {
        new Adversary(eps, steps, stepSize, randomStart); // validates
    }

    @Override
    public MultiLayerNetwork train(TrainingSetup setup) {
        Adversary pgd = new Adversary(eps, steps, stepSize, randomStart);
        MultiLayerNetwork net = setup.networks().create(setup.seed());
        return TrainingLoop.fit(setup, setup.victim(), net, setup.train().labelsOneHot(),
                (n, x, y, seed) -> pgd.craft(n, x, y, seed),
                EpochMonitor.against(setup, describe(), pgd, null));
    }

    @Override
    public String describe() {
        return "PGD adversarial training (eps " + eps + ", " + steps + " x " + stepSize
                + (randomStart ? ", random start" : "") + ")";
    }
}
