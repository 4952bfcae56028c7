package dev.robustgate.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.FgsmAttack;
import dev.robustgate.model.TestModelFiles.Model;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed ONNX test models (src/test/python, exported from PyTorch 1.13 with BatchNormalization
 * nodes kept) loaded through {@link ModelFiles}, in pixel space (the 3-channel model's mean/std applied by
 * {@link InputAdapter}), compute torch's logits, and FGSM on them makes torch's predictions.
 */
class TestModelsOnnxParityTest {

    static DifferentiableClassifier load(Model model) {
        DifferentiableClassifier onnx = ModelFiles.load(model.onnx());
        if (model != Model.RGB) {
            return onnx;
        }
        double[] mean = toDouble(model.mean()), std = toDouble(model.std());
        return InputAdapter.wrap(onnx, InputSpec.pixels(3, 32, 32).withMean(mean).withStd(std));
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    @ParameterizedTest
    @EnumSource(Model.class)
    void logitsAgreeWithTorchWithin1e4(Model model) {
        int n = model.first();
        DifferentiableClassifier classifier = load(model);
        INDArray logits = classifier.logits(model.images(n));
        INDArray torch = model.torchLogits();
        assertThat(logits.shape()).containsExactly(torch.shape());
        double maxDiff = Transforms.abs(logits.sub(torch)).maxNumber().doubleValue();
        assertThat(maxDiff).as("%s: max |logit - torch logit| over %d images", model, n).isLessThanOrEqualTo(1e-4);
        assertThat(Predictions.argMax(logits)).containsExactly(Predictions.argMax(torch));
    }

    /**
     * FGSM's predictions on the first 200 test images at every eps of the reference run agree with torch's
     * (reference_numbers.py), on the images both classify correctly (RobustGate attacks only those: a
     * misclassified image keeps its clean prediction, torch perturbs it too). torch's float32 and float64
     * gradients give the same FGSM predictions on these images (0 of 200 differ at every eps), so the sign of
     * a near-zero gradient component is not a source of disagreement; the bound allows 1 image in 100.
     */
    @ParameterizedTest
    @EnumSource(value = Model.class, names = {"MLP"})
    void fgsmPredictionsAgreeWithTorch(Model model) {
        JsonNode ref = model.torchAttacks();
        int n = 200;
        int[] labels = model.labels(n);
        DifferentiableClassifier classifier = load(model);
        int[] clean = classifier.predict(model.images(n));
        for (JsonNode fgsm : ref.get("fgsm")) {
            double eps = fgsm.get("eps").asDouble();
            AttackResult result = FgsmAttack.linf().eps(eps).run(classifier, model.dataset(n));
            int[] ours = result.at(eps).predictions();
            int compared = 0, same = 0;
            for (int i = 0; i < n; i++) {
                if (clean[i] != labels[i] || ref.get("clean_pred_first200").get(i).asInt() != labels[i]) continue;
                compared++;
                if (ours[i] == fgsm.get("pred_first200").get(i).asInt()) same++;
            }
            assertThat(compared).as("%s: images both classify correctly", model).isGreaterThan(n / 2);
            assertThat(same).as("%s FGSM eps %s: predictions equal to torch's, of %d attacked", model, eps, compared)
                    .isGreaterThanOrEqualTo(compared - compared / 100);
        }
    }

    /** Inference-mode input gradients (BatchNorm on running statistics) equal torch's, relative to their scale. */
    @ParameterizedTest
    @EnumSource(Model.class)
    void inputGradientsAgreeWithTorch(Model model) {
        DifferentiableClassifier classifier = load(model);
        INDArray torch = model.torchGradients();
        int n = (int) torch.size(0);
        INDArray g = classifier.lossGradient(model.images(n), model.labels(n));
        assertThat(g.shape()).containsExactly(torch.shape());
        double scale = Transforms.abs(torch).maxNumber().doubleValue();
        double maxDiff = Transforms.abs(g.sub(torch)).maxNumber().doubleValue();
        assertThat(maxDiff / scale).as("%s: max |g - g_torch| / max |g_torch| (scale %s) over %d images", model, scale, n)
                .isLessThanOrEqualTo(1e-4);
    }
}
