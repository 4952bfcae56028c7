package dev.robustgate.cli;

import dev.robustgate.engine.Engine;
import dev.robustgate.engine.Engines;
import dev.robustgate.engine.ModelRef;
import dev.robustgate.model.DifferentiableClassifier;
import picocli.CommandLine.Option;

import java.util.function.Supplier;

/**
 * Where a command's evaluations run ({@code --engine}, {@code --master}, {@code --partitions}): a
 * picocli mixin, opened on first use and closed by the command.
 */
final class EngineOptions implements AutoCloseable {
    @Option(names = "--engine", paramLabel = "in-process|spark", defaultValue = "in-process",
            description = "Where the evaluation runs: in-process (default) or spark (partitions by sample id, "
                    + "merged into exactly the in-process numbers).")
    String engine;
    @Option(names = "--master", paramLabel = "URL", description = "Spark master: local[*] (default), local[N], "
            + "spark://HOST:PORT, yarn, k8s://...; under spark-submit, the submitted one.")
    String master;
    @Option(names = "--partitions", paramLabel = "P", description = "Partitions (whole batches each; default: "
            + "1 in-process, Spark's default parallelism).")
    Integer partitions;

    private Engine opened;

    /** Fails on a bad engine option before anything is loaded or started. */
    EngineOptions checked() {
        String e = engine.trim().toLowerCase(java.util.Locale.ROOT);
        if (!e.equals("spark") && !e.equals("in-process")) {
            throw new IllegalArgumentException("unknown --engine '" + engine + "': use in-process or spark");
        }
        if (partitions != null && partitions < 1) throw new IllegalArgumentException("--partitions must be >= 1, got " + partitions);
        if (master != null && inProcess()) throw new IllegalArgumentException("--master applies to --engine spark only");
        return this;
    }

    boolean inProcess() {
        return !"spark".equalsIgnoreCase(engine.trim());
    }

    /** The engine, started on first use with partitions of whole {@code batch}-sample batches. */
    Engine engine(int batch) {
        if (opened == null) opened = Engines.open(engine, master, partitions, batch);
        return opened;
    }

    /** The model as the engine gets it: the object itself in-process, a reference it can load elsewhere otherwise. */
    ModelRef model(DifferentiableClassifier loaded, Supplier<ModelRef> reference) {
        return inProcess() ? ModelRef.loaded(loaded) : reference.get();
    }

    @Override
    public void close() {
        if (opened != null) opened.close();
        opened = null;
    }
}
