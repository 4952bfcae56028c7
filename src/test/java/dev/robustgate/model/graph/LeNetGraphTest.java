package dev.robustgate.model.graph;

import dev.robustgate.data.Dataset;
import dev.robustgate.data.Split;
import dev.robustgate.fixture.Victims;
import dev.robustgate.model.Dl4jClassifier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.assertj.core.api.Assertions.assertThat;

/** The graph executor and the direct-ops chain agree on the cached fixture LeNet (same weights). */
class LeNetGraphTest {
    @Test
    void graphMatchesDirectOpsOnTheFixtureLeNet() {
        Victims victims = Victims.standard();
        Dl4jClassifier lenet = (Dl4jClassifier) victims.get("fashion-lenet").model();
        Dataset test = victims.data().load("fashion-mnist", Split.TEST).slice(0, 300);
        GraphClassifier graph = GraphClassifier.of("lenet-graph", LeNetGraph.of(lenet.network()), lenet.sampleShape(), 128);
        INDArray x = test.features();
        double logitErr = Transforms.abs(graph.logits(x).sub(lenet.logits(x))).maxNumber().doubleValue();
        INDArray g1 = graph.lossGradient(x, test.labels()), g2 = lenet.lossGradient(x, test.labels());
        double gradErr = Transforms.abs(g1.sub(g2)).maxNumber().doubleValue() / Transforms.abs(g2).maxNumber().doubleValue();
        assertThat(logitErr).as("max |logit difference|").isLessThan(1e-4);
        assertThat(gradErr).as("max |gradient difference| / max |gradient|").isLessThan(1e-4);
        assertThat(graph.counter().snapshot().gradient()).isEqualTo(300);
    }
}
