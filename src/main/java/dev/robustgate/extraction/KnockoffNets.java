package dev.robustgate.extraction;

import dev.robustgate.TestSeam;
import dev.robustgate.data.Dataset;
import dev.robustgate.model.Classifier;
import dev.robustgate.model.Dl4jClassifier;
import dev.robustgate.model.InputLayout;
import dev.robustgate.model.Predictions;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Knockoff Nets (Orekondy et al., CVPR 2019): copy a black box by training a network of your own
 * on the victim's answers to queries of your choosing.
 *
 * <p>The thief queries in batches until the next checkpoint (a query count), then trains the
 * knockoff for {@code epochs} over everything gathered so far, warm-starting from the previous
 * checkpoint, and reports the checkpoint; the last checkpoint is the budget. With an adaptive
 * strategy the knockoff also takes one gradient step per answered batch, so the bandit's loss
 * reward sees a copy that keeps up. Targets are the victim's probabilities (soft labels), its
 * arg-max one-hot (top-1, also what a labels-only API gives), or the logarithms of its
 * probabilities regressed on as logits ({@link LogitMatchingLoss}).
 */
public final class KnockoffNets {
    public enum Labels {
        /** The victim's probabilities, learnt with the network's own loss (cross-entropy). */
        SOFT,
        /** The victim's arg-max as a one-hot label. */
        TOP1,
        /**
         * The logarithms of the victim's probabilities, centred (its logits up to a shared
         * constant), learnt by {@link LogitMatchingLoss}. Needs full-precision probabilities: a
         * rounded answer's zeros carry no logit.
         */
        LOGITS
    }

    /**
     * Probabilities below this are read as this when turned into logits: a float32 softmax
     * underflows to 0 past a logit gap of about 100, and a log of 0 is no target.
     */
    static final double MIN_PROBABILITY = 1e-30;

    /** Builds the thief's fresh network for samples of {@code sampleShape} and {@code classes} outputs. */
    @FunctionalInterface
    public interface NetworkFactory {
        MultiLayerNetwork build(long[] sampleShape, int classes, long seed);
    }

    /** The knockoff after {@code queries} answered queries. */
    public record Checkpoint(long queries, Dl4jClassifier knockoff) {}

    /** The final knockoff and what the theft cost. */
    public record Result(Dl4jClassifier knockoff, long queriesUsed, String strategy, Labels labels,
                         List<Long> checkpoints) {}

    private final QueryStrategy strategy;
    private final long budget;
    private final Labels labels;
    private final NetworkFactory factory;
    private final InputLayout layout;
    private final int epochs;
    private final int batchSize;
    private final int queryBatch;
    private final long[] checkpoints;
    private final long seed;

    private KnockoffNets(Builder b) {
        this.strategy = b.strategy;
        this.budget = b.budget;
        this.labels = b.labels;
        this.factory = b.factory;
        this.layout = b.layout;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.queryBatch = b.queryBatch > 0 ? b.queryBatch : (b.strategy.adaptive() ? 64 : 256);
        this.seed = b.seed;
        long[] cps = b.checkpoints == null ? new long[]{b.budget}
                : Arrays.stream(b.checkpoints).filter(c -> c > 0 && c < b.budget).sorted().distinct().toArray();
        if (cps.length == 0 || cps[cps.length - 1] != budget) {
            cps = Arrays.copyOf(cps, cps.length + 1);
            cps[cps.length - 1] = budget;
        }
        this.checkpoints = cps;
    }

    public static Builder builder(QueryStrategy strategy, long budget, NetworkFactory factory, InputLayout layout) {
        return new Builder(strategy, budget, factory, layout);
    }

    /** Steals {@code victim}; {@code onCheckpoint} sees the knockoff at every checkpoint, the last included. */
    public Result run(Classifier victim, Consumer<Checkpoint> onCheckpoint) {
        long[] shape = victim.sampleShape();
        int k = victim.numClasses();
        MultiLayerNetwork net = factory.build(shape, k, seed);
        Dl4jClassifier knockoff = new Dl4jClassifier("knockoff-of-" + victim.name(), net, shape, layout);
        List<INDArray> xs = new ArrayList<>();
        List<INDArray> ys = new ArrayList<>();
        long queried = 0;
        long startCount = victim.counter().snapshot().forward();
        List<Long> reached = new ArrayList<>();
        TestSeam.Substitute broken = TheftSubstitution.mode();   // a test seam: NONE unless its system property is set
        for (long checkpoint : checkpoints) {
            while (queried < checkpoint) {
                int n = (int) Math.min(queryBatch, checkpoint - queried);
                INDArray x = strategy.next(n);
                INDArray answers = victim.probabilities(x).castTo(DataType.FLOAT);
                if (broken == TestSeam.Substitute.NOISE) answers = TheftSubstitution.randomOneHot(n, k, seed, queried);
                INDArray y = switch (labels) {
                    case SOFT -> answers;
                    case TOP1 -> Dataset.oneHot(Predictions.argMax(answers), k);
                    case LOGITS -> centredLogProbabilities(answers);
                };
                if (strategy.adaptive()) {
                    strategy.observe(answers, knockoff.probabilities(x));
                    if (broken != TestSeam.Substitute.NOOP) withTrainingLoss(net, () -> net.fit(knockoff.toNetwork(x), y));
                }
                xs.add(x);
                ys.add(y);
                queried += n;
            }
            INDArray allX = Nd4j.concat(0, xs.toArray(INDArray[]::new));
            INDArray allY = Nd4j.concat(0, ys.toArray(INDArray[]::new));
            if (broken != TestSeam.Substitute.NOOP) withTrainingLoss(net, () -> train(knockoff, allX, allY, checkpoint));
            reached.add(queried);
            if (onCheckpoint != null) onCheckpoint.accept(new Checkpoint(queried, knockoff));
        }
        long used = victim.counter().snapshot().forward() - startCount;
        return new Result(knockoff, used, strategy.describe(), labels, List.copyOf(reached));
    }

    /**
     * Runs {@code training} with the output layer's loss set for this theft's labels, then puts the
     * network's own loss back, so that the knockoff handed out is an ordinary softmax classifier
     * whose loss gradients (for transfer attacks) are cross-entropy's.
     */
    private void withTrainingLoss(MultiLayerNetwork net, Runnable training) {
        if (labels != Labels.LOGITS) {
            training.run();
            return;
        }
        org.deeplearning4j.nn.conf.layers.Layer out = net.getLayer(net.getnLayers() - 1).conf().getLayer();
        if (!(out instanceof org.deeplearning4j.nn.conf.layers.BaseOutputLayer o)) {
            throw new IllegalArgumentException("logit targets need a knockoff ending in an output layer, got "
                    + out.getClass().getSimpleName());
        }
        ILossFunction own = o.getLossFn();
        o.setLossFn(new LogitMatchingLoss());
        try {
            training.run();
        } finally {
            o.setLossFn(own);
        }
    }

    /** log p, clamped at {@link #MIN_PROBABILITY} and centred per row. */
    static INDArray centredLogProbabilities(INDArray probabilities) {
        INDArray logs = Transforms.log(Transforms.max(probabilities, MIN_PROBABILITY, true), false);
        return logs.subiColumnVector(logs.mean(true, 1));
    }

    private void train(Dl4jClassifier knockoff, INDArray x, INDArray y, long round) {
        MultiLayerNetwork net = knockoff.network();
        int n = (int) x.size(0);
        INDArray flat = x.reshape(n, x.length() / n);
        long[] shape = x.shape();
        SplittableRandom rnd = new SplittableRandom(seed * 31 + round);
        for (int e = 0; e < epochs; e++) {
            int[] order = new int[n];
            for (int i = 0; i < n; i++) order[i] = i;
            for (int i = n - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = order[i]; order[i] = order[j]; order[j] = t;
            }
            for (int from = 0; from < n; from += batchSize) {
                int[] rows = Arrays.copyOfRange(order, from, Math.min(n, from + batchSize));
                long[] s = shape.clone();
                s[0] = rows.length;
                net.fit(knockoff.toNetwork(Nd4j.pullRows(flat, 1, rows).reshape(s)), Nd4j.pullRows(y, 1, rows));
            }
        }
    }


    public static final class Builder {
        private final QueryStrategy strategy;
        private final long budget;
        private final NetworkFactory factory;
        private final InputLayout layout;
        private Labels labels = Labels.SOFT;
        private int epochs = 5;
        private int batchSize = 64;
        private int queryBatch;
        private long[] checkpoints;
        private long seed = 2019;

        private Builder(QueryStrategy strategy, long budget, NetworkFactory factory, InputLayout layout) {
            if (strategy == null || factory == null || layout == null) {
                throw new IllegalArgumentException("strategy, network factory and layout must not be null");
            }
            if (budget < 1) throw new IllegalArgumentException("query budget must be >= 1, got " + budget);
            this.strategy = strategy;
            this.budget = budget;
            this.factory = factory;
            this.layout = layout;
        }

        public Builder labels(Labels l) { this.labels = l; return this; }

        /** Epochs over the whole transfer set at each checkpoint (>= 1). */
        public Builder epochs(int e) {
            if (e < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + e);
            this.epochs = e;
            return this;
        }

        public Builder batchSize(int b) {
            if (b < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + b);
            this.batchSize = b;
            return this;
        }

        /** Queries per request to the victim (default 256; 64 for adaptive strategies). */
        public Builder queryBatch(int q) {
            if (q < 1) throw new IllegalArgumentException("query batch must be >= 1, got " + q);
            this.queryBatch = q;
            return this;
        }

        /** Query counts at which to train and report; the budget is always the last. */
        public Builder checkpoints(long... counts) { this.checkpoints = counts.clone(); return this; }

        public Builder seed(long s) { this.seed = s; return this; }

        public KnockoffNets build() { return new KnockoffNets(this); }
    }
}
