package dev.robustgate.defense;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Defensive distillation (Papernot et al. 2016): a teacher is trained with softmax(z/T) on the hard
 * labels; its probabilities at T label the training set; a student of the same architecture is
 * trained on those soft labels, also at T; the student is deployed at T = 1. Its logits come out
 * about T times larger than a plain network's, so the deployed softmax saturates and the loss
 * gradient nearly vanishes: gradient attacks starve, the decision boundary barely moves.
 */
public record DefensiveDistillation(double temperature) implements Defense {
    /** Monitors each epoch with FGSM at this eps, the spine's standard evaluation budget. */
    static final double MONITOR_EPS = 0.1;
    private static final int BATCH = 1000;

    public DefensiveDistillation {
        if (!(temperature >= 1) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("distillation temperature must be a finite number >= 1, got " + temperature);
        }
    }

    @Override
    public MultiLayerNetwork train(TrainingSetup setup) {
        Adversary monitor = Adversary.fgsm(MONITOR_EPS);
        EpochMonitor deployed = EpochMonitor.against(setup, describe(), monitor, new ActivationSoftmax());
        MultiLayerNetwork teacher = atTemperature(setup.networks().create(setup.seed()));
        TrainingLoop.fit(setup, setup.victim() + " (teacher)", teacher, setup.train().labelsOneHot(), BatchStep.CLEAN, deployed);
        INDArray soft = softLabels(teacher, setup);
        // Another initialisation for the student, so that it is not the teacher retraced.
        MultiLayerNetwork student = atTemperature(setup.networks().create(TrainingLoop.mix(setup.seed(), 1)));
        TrainingLoop.fit(setup, setup.victim(), student, soft, BatchStep.CLEAN, deployed);
        EpochMonitor.setOutputActivation(student, new ActivationSoftmax());
        return student;
    }

    /**
     * A copy of a deployed (T = 1) network whose output reads softmax(z / T) again: the adaptive
     * attacker's view (Carlini and Wagner 2016). Its arg-max is the deployed model's, but its loss
     * gradient does not vanish, so gradient attacks on it find what distillation only hid.
     */
    public static MultiLayerNetwork readAtTemperature(MultiLayerNetwork deployed, double temperature) {
        MultiLayerNetwork copy = deployed.clone();
        EpochMonitor.setOutputActivation(copy, new TemperatureSoftmax(temperature));
        return copy;
    }

    private MultiLayerNetwork atTemperature(MultiLayerNetwork net) {
        // At T = 1 the plain softmax keeps DL4J's fused, clipped softmax/cross-entropy gradient.
        EpochMonitor.setOutputActivation(net, temperature == 1 ? new ActivationSoftmax() : new TemperatureSoftmax(temperature));
        return net;
    }

    /** The teacher's probabilities at T for every training sample, [n, K]. */
    private static INDArray softLabels(MultiLayerNetwork teacher, TrainingSetup setup) {
        int n = setup.train().size();
        INDArray flat = setup.train().features().reshape(n, setup.train().sampleLength());
        INDArray out = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, setup.train().numClasses());
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            INDArray x = flat.get(NDArrayIndex.interval(from, to)).reshape(setup.batchShape(to - from));
            out.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).assign(teacher.output(x, false));
        }
        return out;
    }

    @Override
    public String describe() {
        return "defensive distillation (T = " + temperature + ")";
    }
}
