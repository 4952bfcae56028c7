package dev.robustgate.extraction;

import dev.robustgate.data.Dataset;
import dev.robustgate.data.Split;
import dev.robustgate.model.Classifier;
import dev.robustgate.model.InputLayout;
import dev.robustgate.model.SoftmaxRegression;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Knockoff Nets on a toy victim: costs, checkpoints, determinism, and that copying works at all. */
class KnockoffNetsTest {
    private static final long[] SHAPE = {1, 4, 4};

    private static SoftmaxRegression victim() {
        Random r = new Random(11);
        INDArray w = Nd4j.zeros(DataType.DOUBLE, 16, 3);
        for (int i = 0; i < 16; i++) for (int k = 0; k < 3; k++) w.putScalar(i, k, r.nextGaussian() * 3);
        return new SoftmaxRegression("toy", SHAPE, w, Nd4j.createFromArray(0.0, 0.5, -0.5));
    }

    private static MultiLayerNetwork mlp(long[] shape, int classes, long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(1e-2)).list()
                .layer(new DenseLayer.Builder().nOut(32).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(16)).build());
        net.init();
        return net;
    }

    private static double agreement(Classifier a, Classifier b, INDArray x) {
        int[] pa = a.predict(x), pb = b.predict(x);
        int same = 0;
        for (int i = 0; i < pa.length; i++) if (pa[i] == pb[i]) same++;
        return (double) same / pa.length;
    }

    private KnockoffNets thief(QueryStrategy q, KnockoffNets.Labels labels) {
        return KnockoffNets.builder(q, 1000, KnockoffNetsTest::mlp, InputLayout.FLAT)
                .labels(labels).epochs(10).checkpoints(200, 500).seed(3).build();
    }

    @Test
    void copiesAToyVictimFromUniformQueriesAndSpendsExactlyItsBudget() {
        SoftmaxRegression victim = victim();
        List<Long> seen = new ArrayList<>();
        KnockoffNets.Result r = thief(QuerySets.uniform(SHAPE, 1), KnockoffNets.Labels.SOFT)
                .run(victim, cp -> seen.add(cp.queries()));

        assertThat(seen).containsExactly(200L, 500L, 1000L);
        assertThat(r.queriesUsed()).isEqualTo(1000);
        assertThat(victim.counter().snapshot().forward()).isEqualTo(1000);
        INDArray fresh = QuerySets.uniform(SHAPE, 99).next(500);
        assertThat(agreement(r.knockoff(), victim, fresh)).isGreaterThan(0.9); // measured 0.97
    }

    @Test
    void logitTargetsCopyAConfidentVictimAndLeaveAnOrdinarySoftmaxClassifier() {
        SoftmaxRegression victim = victim();
        KnockoffNets.Result r = thief(QuerySets.uniform(SHAPE, 1), KnockoffNets.Labels.LOGITS).run(victim, null);
        INDArray fresh = QuerySets.uniform(SHAPE, 99).next(500);
        assertThat(agreement(r.knockoff(), victim, fresh)).isGreaterThan(0.9);
        // Trained on logits, handed out with its own cross-entropy loss and softmax probabilities.
        MultiLayerNetwork net = r.knockoff().network();
        assertThat(net.getLayer(net.getnLayers() - 1).conf().getLayer())
                .isInstanceOfSatisfying(OutputLayer.class, o -> assertThat(o.getLossFn()).isInstanceOf(org.nd4j.linalg.lossfunctions.impl.LossMCXENT.class));
        INDArray p = r.knockoff().probabilities(fresh);
        assertThat(p.sum(1).sub(1).amaxNumber().doubleValue()).isLessThan(1e-5);
    }

    @Test
    void sameSeedSameKnockoff() {
        INDArray x = QuerySets.uniform(SHAPE, 5).next(50);
        INDArray a = thief(QuerySets.uniform(SHAPE, 1), KnockoffNets.Labels.TOP1).run(victim(), null).knockoff().probabilities(x);
        INDArray b = thief(QuerySets.uniform(SHAPE, 1), KnockoffNets.Labels.TOP1).run(victim(), null).knockoff().probabilities(x);
        assertThat(a.equalsWithEps(b, 1e-6)).isTrue();
    }

    @Test
    void adaptiveBanditsPolicyMovesAwayFromUniformAndStaysSeeded() {
        Dataset pool = poolOf(300, 4);
        AdaptiveStrategy a = new AdaptiveStrategy(pool, 0.5, 8);
        KnockoffNets.builder(a, 640, KnockoffNetsTest::mlp, InputLayout.FLAT).queryBatch(32).epochs(1).seed(1).build()
                .run(victim(), null);
        AdaptiveStrategy b = new AdaptiveStrategy(pool, 0.5, 8);
        KnockoffNets.builder(b, 640, KnockoffNetsTest::mlp, InputLayout.FLAT).queryBatch(32).epochs(1).seed(1).build()
                .run(victim(), null);

        assertThat(a.history()).hasSize(20).isEqualTo(b.history());
        assertThat(java.util.Arrays.stream(a.pulls()).sum()).isEqualTo(20);
        double[] p = a.policy();
        assertThat(java.util.Arrays.stream(p).sum()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
        double spread = java.util.Arrays.stream(p).max().orElseThrow() - java.util.Arrays.stream(p).min().orElseThrow();
        // Measured: policy [0.384, 0.044, 0.221, 0.351], spread 0.340. Uniform would be 0.
        assertThat(spread).as("preferences moved away from uniform: %s", java.util.Arrays.toString(p)).isGreaterThan(0.1);
    }

    @Test
    void querySetsAreInTheBoxAndSeeded() {
        INDArray g = QuerySets.gaussian(SHAPE, 0.5, 0.5, 4).next(100);
        assertThat(g.shape()).containsExactly(100, 1, 4, 4);
        assertThat(g.minNumber().doubleValue()).isEqualTo(0.0);
        assertThat(g.maxNumber().doubleValue()).isEqualTo(1.0);
        assertThat(QuerySets.gaussian(SHAPE, 0.5, 0.5, 4).next(100)).isEqualTo(g);
        assertThat(QuerySets.uniform(SHAPE, 4).next(3)).isNotEqualTo(QuerySets.uniform(SHAPE, 5).next(3));
        Dataset pool = poolOf(10, 2);
        INDArray twice = QuerySets.fromDataset(pool, 1).next(20);
        assertThat(twice.shape()).containsExactly(20, 1, 4, 4);
    }

    @Test
    void badSettingsNameTheirRange() {
        assertThatThrownBy(() -> KnockoffNets.builder(QuerySets.uniform(SHAPE, 1), 0, KnockoffNetsTest::mlp, InputLayout.FLAT))
                .hasMessageContaining("query budget must be >= 1, got 0");
        assertThatThrownBy(() -> QuerySets.gaussian(SHAPE, 0.5, -1, 1)).hasMessageContaining("std >= 0");
        assertThatThrownBy(() -> new AdaptiveStrategy(poolOf(4, 2), 0, 1)).hasMessageContaining("step size must be a finite number > 0, got 0.0");
    }

    private static Dataset poolOf(int n, int classes) {
        Random r = new Random(n);
        float[] v = new float[n * 16];
        for (int i = 0; i < v.length; i++) v[i] = r.nextFloat();
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = i % classes;
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) names.add("c" + c);
        return new Dataset("pool", Split.TRAIN, Nd4j.create(v, new long[]{n, 1, 4, 4}, 'c'), y, names, "test", "toy pool");
    }
}
