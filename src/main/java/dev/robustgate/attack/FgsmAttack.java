package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.Predictions;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fast gradient (sign) method, Goodfellow et al. 2015: one gradient, one step of size eps in the
 * steepest-ascent direction of the norm, clipped to the box. The gradient does not depend on eps,
 * so a sweep over many eps costs one gradient evaluation per sample in all.
 */
public final class FgsmAttack extends ConfiguredAttack {

    private FgsmAttack(AttackSettings settings) {
        super(settings);
    }

    public static FgsmAttack linf() { return new FgsmAttack(AttackSettings.of(Norm.LINF)); }
    public static FgsmAttack l2() { return new FgsmAttack(AttackSettings.of(Norm.L2)); }
    public static FgsmAttack of(Norm norm) { return new FgsmAttack(AttackSettings.of(norm)); }

    public FgsmAttack eps(double... eps) { return new FgsmAttack(settings.withEps(eps)); }
    public FgsmAttack targeted(TargetSelection targets) { return new FgsmAttack(settings.withTargets(targets)); }
    public FgsmAttack batchSize(int batchSize) { return new FgsmAttack(settings.withBatchSize(batchSize)); }

    @Override public String name() { return (settings.norm() == Norm.LINF ? "FGSM-" : "FGM-") + settings.norm().label(); }

    @Override
    protected String describeWith(String eps) {
        return name() + "(" + settings.targetsPrefix() + eps + ")";
    }

    @Override
    public AttackResult run(DifferentiableClassifier model, Dataset data) {
        return AttackRunner.run(this, settings, 1, this::attackBatch, model, data);
    }

    private List<BatchOutcome> attackBatch(DifferentiableClassifier model, AttackBatch batch, double[] eps) {
        long t0 = System.nanoTime();
        int m = batch.size();
        INDArray x = batch.inputs();
        INDArray g = model.lossGradient(x.reshape(batch.batchShape(m)), batch.lossLabels()).reshape(m, x.size(1));
        INDArray direction = Perturbations.steepestDirection(g, settings.norm());
        if (batch.targeted()) direction.negi();
        int[] ones = new int[m];
        java.util.Arrays.fill(ones, 1);
        double gradientSeconds = (System.nanoTime() - t0) / 1e9;
        List<BatchOutcome> out = new ArrayList<>(eps.length);
        for (double e : eps) {
            long te = System.nanoTime();
            INDArray adv = Box.clipInPlace(direction.mul(e).addi(x));
            int[] pred = Predictions.argMax(model.logits(adv.reshape(batch.batchShape(m))));
            boolean[] success = new boolean[m];
            for (int i = 0; i < m; i++) success[i] = batch.reached(i, pred[i]);
            out.add(new BatchOutcome(adv, pred, success, ones, m, gradientSeconds + (System.nanoTime() - te) / 1e9));
        }
        return out;
    }
}
