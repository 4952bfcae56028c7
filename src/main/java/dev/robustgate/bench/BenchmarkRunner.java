package dev.robustgate.bench;

import dev.robustgate.attack.FgsmAttack;
import dev.robustgate.attack.PgdAttack;
import dev.robustgate.data.Dataset;
import dev.robustgate.event.EventBus;
import dev.robustgate.fixture.TrainingRecipe;
import dev.robustgate.fixture.VictimSpec;
import dev.robustgate.fixture.VictimTrainer;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.EvaluationCounter.Counts;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Times the cases of {@code ./robustgate bench} on one model: clean inference, one input-gradient
 * pass, FGSM (eps 0.1), PGD-40 (eps 0.1, step 0.01, random start, every step run as in the PyTorch
 * reference) over the evaluated samples, and one LeNet training epoch (Adam 1e-3, batch 128, the
 * reference's recipe). Each case runs {@code warmup} unrecorded repetitions on its first two
 * batches, then {@code reps} timed ones over all samples; the {@link BenchmarkListener} collects step latencies from the event stream.
 */
public final class BenchmarkRunner {
    public static final List<String> CASES = List.of("inference", "gradient", "fgsm", "pgd40", "train_epoch");

    /** {@code trainReps} applies to the training epoch, which is too long to repeat as often as the rest. */
    public record Settings(int warmup, int reps, int trainReps, int batchSize, long seed) {
        public Settings {
            if (warmup < 0) throw new IllegalArgumentException("warmup must be >= 0, got " + warmup);
            if (reps < 1) throw new IllegalArgumentException("reps must be >= 1, got " + reps);
            if (trainReps < 1) throw new IllegalArgumentException("train reps must be >= 1, got " + trainReps);
            if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
    }

    private final DifferentiableClassifier model;
    private final Dataset test;
    private final Settings settings;
    private final BenchmarkListener listener = new BenchmarkListener();

    public BenchmarkRunner(DifferentiableClassifier model, Dataset test, Settings settings) {
        this.model = model;
        this.test = test;
        this.settings = settings;
    }

    public Measurement inference() {
        return measure("inference", "clean probabilities, batches of " + settings.batchSize(),
                d -> forEachBatch(d, (x, labels) -> model.probabilities(x)));
    }

    public Measurement gradient() {
        return measure("gradient", "input gradient of the cross-entropy, batches of " + settings.batchSize(),
                d -> forEachBatch(d, model::lossGradient));
    }

    public Measurement fgsm() {
        FgsmAttack a = FgsmAttack.linf().eps(0.1).batchSize(settings.batchSize());
        return measure("fgsm", a.describe(), d -> a.run(model, d));
    }

    /** PGD as the PyTorch reference runs it: 40 steps of 0.01 at eps 0.1 from a random start, all steps, last iterate. */
    public Measurement pgd40() {
        PgdAttack a = PgdAttack.linf().eps(0.1).steps(40).stepSize(0.01).randomStart(true).earlyStop(false)
                .seed(settings.seed()).batchSize(settings.batchSize());
        return measure("pgd40", a.describe(), d -> a.run(model, d));
    }

    /** One epoch of a fresh LeNet over {@code train} with the reference's recipe (Adam 1e-3, batch 128). */
    public Measurement trainingEpoch(Dataset train) {
        VictimSpec spec = new VictimSpec("bench-lenet", "lenet", train.name(), new TrainingRecipe(1, 128, 1e-3, 0), 12345L);
        Dataset check = test.slice(0, Math.min(test.size(), 100));
        Dataset warm = train.slice(0, Math.min(train.size(), 1024));
        for (int i = 0; i < Math.min(1, settings.warmup()); i++) VictimTrainer.train(spec, warm, check);
        return measure("train_epoch", "one LeNet epoch, Adam 1e-3, batch 128", train.size(), settings.trainReps(),
                () -> VictimTrainer.train(spec, train, check));
    }

    public List<Measurement> run(List<String> cases, Dataset train) {
        List<Measurement> out = new ArrayList<>();
        for (String c : cases) {
            out.add(switch (c) {
                case "inference" -> inference();
                case "gradient" -> gradient();
                case "fgsm" -> fgsm();
                case "pgd40" -> pgd40();
                case "train_epoch" -> trainingEpoch(train);
                default -> throw new IllegalArgumentException("unknown benchmark case '" + c + "': use " + CASES);
            });
        }
        return out;
    }

    private void forEachBatch(Dataset d, BiConsumer<INDArray, int[]> body) {
        INDArray x = d.features();
        int[] labels = d.labels();
        for (int from = 0; from < d.size(); from += settings.batchSize()) {
            int to = Math.min(d.size(), from + settings.batchSize());
            body.accept(x.get(NDArrayIndex.interval(from, to)), Arrays.copyOfRange(labels, from, to));
        }
    }

    /**
     * Warm-up runs the case on the first two batches only: enough to load native code, JIT-compile
     * the loop and size ND4J's caches, without doubling a 10k-sample PGD run.
     */
    private Measurement measure(String name, String description, Consumer<Dataset> body) {
        Dataset warm = test.slice(0, Math.min(test.size(), 2 * settings.batchSize()));
        for (int i = 0; i < settings.warmup(); i++) body.accept(warm);
        return measure(name, description, test.size(), settings.reps(), () -> body.accept(test));
    }

    private Measurement measure(String name, String description, long samples, int reps, Runnable body) {
        List<Double> seconds = new ArrayList<>();
        Counts before = model.counter().snapshot();
        listener.reset();
        try (EventBus.Subscription ignored = EventBus.global().subscribe(listener)) {
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                body.run();
                seconds.add((System.nanoTime() - t0) / 1e9);
            }
        }
        Counts work = model.counter().snapshot().minus(before);
        return new Measurement(name, description, samples, seconds, work.gradient() / reps, work.forward() / reps,
                listener.latencies());
    }
}
