package dev.robustgate.defense;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.robustgate.data.Dataset;
import dev.robustgate.event.CountingListener;
import dev.robustgate.event.DefenseEpoch;
import dev.robustgate.event.EventBus;
import dev.robustgate.event.EventListener;
import dev.robustgate.event.TrainingEpoch;
import dev.robustgate.fixture.Architectures;
import dev.robustgate.fixture.TestModels;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The defenses' training procedures on tiny synthetic data: their invariants, events and JSON form. */
class DefensesTest {
    private static final long[] SHAPE = {1, 28, 28};

    private static TrainingSetup setup(String name, int n, int epochs) {
        Dataset train = TestModels.synthetic(new long[]{n, 1, 28, 28}, 10, 11);
        Dataset check = TestModels.synthetic(new long[]{40, 1, 28, 28}, 10, 12);
        return new TrainingSetup(name, seed -> Architectures.build("mlp-16", SHAPE, 10, 1e-3, seed), new long[]{784},
                train, check, epochs, 32, 5, 1);
    }

    @Test
    void adversariesStayInTheBallAndTheBox() {
        MultiLayerNetwork net = Architectures.build("mlp-16", SHAPE, 10, 1e-3, 1);
        Dataset d = TestModels.synthetic(new long[]{16, 1, 28, 28}, 10, 3);
        INDArray x = d.features().reshape(16, 784);
        for (Adversary a : List.of(Adversary.fgsm(0.1), new Adversary(0.05, 4, 0.02, true))) {
            INDArray adv = a.craft(net, x, d.labelsOneHot(), 9);
            assertThat(Transforms.abs(adv.sub(x)).maxNumber().doubleValue()).as(a.describe()).isLessThanOrEqualTo(a.eps() + 1e-6);
            assertThat(adv.minNumber().doubleValue()).isGreaterThanOrEqualTo(0.0);
            assertThat(adv.maxNumber().doubleValue()).isLessThanOrEqualTo(1.0);
            assertThat(adv.equalsWithEps(a.craft(net, x, d.labelsOneHot(), 9), 0)).as("same seed, same examples").isTrue();
        }
        // FGSM moves every pixel with a non-zero gradient by exactly eps (unless the box stops it).
        INDArray step = Adversary.fgsm(0.1).craft(net, x, d.labelsOneHot(), 0).sub(x);
        assertThat(Transforms.abs(step).maxNumber().doubleValue()).isCloseTo(0.1, org.assertj.core.api.Assertions.within(1e-6));
    }

    @Test
    void fgsmTrainingReplacesTheRequestedFractionOfEachBatch() {
        MultiLayerNetwork net = Architectures.build("mlp-16", SHAPE, 10, 1e-3, 1);
        Dataset d = TestModels.synthetic(new long[]{10, 1, 28, 28}, 10, 3);
        INDArray x = d.features().reshape(10, 784);
        INDArray mixed = FgsmAdversarialTraining.mix(net, x, d.labelsOneHot(), Adversary.fgsm(0.1), 0.3, 1);
        int changed = 0;
        for (int i = 0; i < 10; i++) if (!mixed.getRow(i, true).equalsWithEps(x.getRow(i, true), 1e-7)) changed++;
        assertThat(changed).isEqualTo(3);
        assertThat(FgsmAdversarialTraining.mix(net, x, d.labelsOneHot(), Adversary.fgsm(0.1), 0, 1)).isSameAs(x);
    }

    @Test
    void augmentationIsDeterministicStaysInRangeAndIsIdentityWithoutTransforms() {
        Dataset d = TestModels.synthetic(new long[]{6, 1, 28, 28}, 10, 3);
        INDArray x = d.features();
        DataAugmentation aug = new DataAugmentation(2, 10, true);
        INDArray a = aug.augment(x, SHAPE, 42);
        assertThat(a.shape()).isEqualTo(x.shape());
        assertThat(a.equalsWithEps(aug.augment(x, SHAPE, 42), 0)).isTrue();
        assertThat(a.equalsWithEps(aug.augment(x, SHAPE, 43), 1e-6)).isFalse();
        assertThat(a.minNumber().doubleValue()).isGreaterThanOrEqualTo(0.0);
        assertThat(a.maxNumber().doubleValue()).isLessThanOrEqualTo(1.0);
        assertThat(new DataAugmentation(0, 0, false).augment(x, SHAPE, 42).equalsWithEps(x, 1e-6)).isTrue();
        assertThatThrownBy(() -> new DataAugmentation(-1, 10, true)).hasMessageContaining("got -1");
        assertThatThrownBy(() -> new DataAugmentation(2, 90, true)).hasMessageContaining("got 90.0");
    }

    @Test
    void augmentationShiftsAnImageByWholePixels() {
        Dataset d = TestModels.synthetic(new long[]{1, 1, 28, 28}, 10, 3);
        // With rotation 0 and no flip the only transform is a shift in [-1, 1]^2: the result equals one of the nine shifts.
        INDArray a = new DataAugmentation(1, 0, false).augment(d.features(), SHAPE, 7).reshape(28, 28);
        INDArray img = d.features().reshape(28, 28);
        boolean matched = false;
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                boolean all = true;
                for (int r = 0; r < 28 && all; r++) {
                    for (int c = 0; c < 28 && all; c++) {
                        int sr = r - dy, sc = c - dx;
                        double expected = sr < 0 || sr >= 28 || sc < 0 || sc >= 28 ? 0 : img.getDouble(sr, sc);
                        all = Math.abs(a.getDouble(r, c) - expected) < 1e-5;
                    }
                }
                matched |= all;
            }
        }
        assertThat(matched).isTrue();
    }

    @Test
    void adversarialTrainingPublishesCleanAndAdversarialEpochs() {
        List<DefenseEpoch> epochs = new ArrayList<>();
        CountingListener counts = new CountingListener();
        try (var a = EventBus.global().subscribe(counts);
             var b = EventBus.global().subscribe(new EventListener() {
                 @Override public void onDefenseEpoch(DefenseEpoch e) { epochs.add(e); }
             })) {
            new PgdAdversarialTraining(0.1, 2, 0.05, true).train(setup("tiny-pgd-at", 64, 2));
        }
        assertThat(epochs).hasSize(2);
        assertThat(counts.count(TrainingEpoch.class)).isEqualTo(2);
        DefenseEpoch last = epochs.get(1);
        assertThat(last.victim()).isEqualTo("tiny-pgd-at");
        assertThat(last.adversary()).isEqualTo("PGD-Linf(eps=0.1, 2x0.05, random start)");
        assertThat(last.samples()).isEqualTo(40);
        assertThat(last.cleanLoss()).isFinite().isPositive();
        assertThat(last.adversarialLoss()).isGreaterThanOrEqualTo(last.cleanLoss() - 1e-6);
        // The attack only leaves or breaks correct samples, so it cannot be more accurate than clean; both count samples.
        assertThat(last.adversarialAccuracy()).isLessThanOrEqualTo(last.cleanAccuracy());
        double correct = last.adversarialAccuracy() * last.samples();
        assertThat(correct).as("adversarially correct of %d", last.samples()).isCloseTo(Math.rint(correct), org.assertj.core.api.Assertions.within(1e-6));
    }

    @Test
    void distillationTrainsATeacherAndAStudentAndDeploysAtTemperatureOne() {
        List<String> phases = new ArrayList<>();
        MultiLayerNetwork student;
        try (var a = EventBus.global().subscribe(new EventListener() {
            @Override public void onTrainingEpoch(TrainingEpoch e) { phases.add(e.victim()); }
        })) {
            student = new DefensiveDistillation(20).train(setup("tiny-distilled", 64, 1));
        }
        assertThat(phases).containsExactly("tiny-distilled (teacher)", "tiny-distilled");
        assertThat(EpochMonitor.outputActivation(student)).isInstanceOf(ActivationSoftmax.class);
        assertThatThrownBy(() -> new DefensiveDistillation(0.5)).hasMessageContaining("got 0.5");
    }

    @Test
    void trainingIsDeterministic() {
        MultiLayerNetwork a = new FgsmAdversarialTraining(0.1, 0.5).train(setup("tiny-fgsm-at", 64, 1));
        MultiLayerNetwork b = new FgsmAdversarialTraining(0.1, 0.5).train(setup("tiny-fgsm-at", 64, 1));
        assertThat(a.params().equalsWithEps(b.params(), 0)).isTrue();
    }

    @Test
    void defensesReadAndWriteAsTypedJson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (Defense d : List.of(new FgsmAdversarialTraining(0.1, 0.5), new PgdAdversarialTraining(0.1, 5, 0.03, true),
                new DefensiveDistillation(20), new DataAugmentation(2, 10, true))) {
            String text = json.writeValueAsString(d);
            assertThat(json.readValue(text, Defense.class)).as(text).isEqualTo(d);
        }
        assertThat(json.writeValueAsString(new PgdAdversarialTraining(0.1, 5, 0.03, true)))
                .startsWith("{\"type\":\"pgd-adversarial-training\"");
        assertThatThrownBy(() -> json.readValue("{\"type\":\"pgd-adversarial-training\",\"eps\":-1,\"steps\":5,\"stepSize\":0.03}",
                Defense.class)).hasMessageContaining("eps must be in (0, 1], got -1.0");
        assertThatThrownBy(() -> json.readValue("{\"type\":\"feature-squeezing\"}", Defense.class))
                .hasMessageContaining("feature-squeezing");
    }
}
