package dev.robustgate.defense;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** No defense: minibatch descent on the clean training data. Never written to JSON (a spec without a defense means this). */
public final class StandardTraining implements Defense {
    static final StandardTraining INSTANCE = new StandardTraining();

    private StandardTraining() {}

    @Override
    public MultiLayerNetwork train(TrainingSetup setup) {
        MultiLayerNetwork net = setup.networks().create(setup.seed());
        return TrainingLoop.fit(setup, setup.victim(), net, setup.train().labelsOneHot(), BatchStep.CLEAN,
                EpochMonitor.cleanOnly(setup));
    }

    @Override
    public String describe() {
        return "standard training";
    }
}
