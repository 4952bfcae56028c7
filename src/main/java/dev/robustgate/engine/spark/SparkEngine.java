package dev.robustgate.engine.spark;

import dev.robustgate.data.Dataset;
import dev.robustgate.engine.Engine;
import dev.robustgate.engine.ModelFileRef;
import dev.robustgate.engine.ModelRef;
import dev.robustgate.engine.Partition;
import dev.robustgate.engine.PartitionTask;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Runs evaluations on Apache Spark: the samples are cut into partitions by id, each partition is
 * one Spark task that loads the model once per executor JVM ({@code ExecutorModels}) from a small
 * reference and returns per-sample results, and the driver merges them by id. Spark retries a
 * failed task; only the successful attempt's result is collected, so every sample and every
 * evaluation is counted once.
 *
 * <p>Masters: {@code local[*]} (embedded, the default), {@code local[N]}, {@code local[N,F]} (F attempts
 * per task), or any cluster master ({@code spark://HOST:PORT}, {@code yarn}, {@code k8s://...}) by
 * configuration; under {@code spark-submit} the running context and its master are used.
 */
public final class SparkEngine implements Engine {
    /**
     * Test hook (a Spark conf key): when "true", every task throws after its first attempt has done
     * its work, so that Spark must retry it; use with a master that allows retries, e.g. local[2,2].
     */
    public static final String FAIL_FIRST_ATTEMPT = "spark.robustgate.test.failFirstAttempt";

    /** The context the last owning engine started in this JVM. */
    private static JavaSparkContext started;

    private final JavaSparkContext sc;
    private final boolean owned;
    private final Integer partitions;
    private final int batch;

    private SparkEngine(JavaSparkContext sc, boolean owned, Integer partitions, int batch) {
        this.sc = sc;
        this.owned = owned;
        this.partitions = partitions;
        this.batch = batch;
    }

    /**
     * Called by {@code Engines.open}: a context on {@code master} (null: spark.master if set, else
     * local[*]); partitions of whole {@code batch}-sample batches (see {@link Partition#of}).
     */
    public static SparkEngine start(String master, Integer partitions, int batch) {
        return start(master, partitions, batch, Map.of());
    }

    /** As {@link #start(String, Integer, int)}, with extra Spark settings. */
    public static synchronized SparkEngine start(String master, Integer partitions, int batch, Map<String, String> settings) {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        if (partitions != null && partitions < 1) throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        if (started != null && !started.sc().isStopped()) {
            // One Spark context per JVM: a second engine shares the running one and leaves it running.
            if (master != null && !master.equals(started.master())) {
                throw new IllegalStateException("a Spark context on " + started.master() + " already runs in this JVM; cannot start one on " + master);
            }
            return new SparkEngine(started, false, partitions, batch);
        }
        SparkConf conf = new SparkConf(true).setAppName("robustgate");
        String m = master != null ? master : conf.get("spark.master", "local[*]");
        conf.setMaster(m);
        conf.setIfMissing("spark.ui.enabled", "false");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        if (m.startsWith("local")) {
            // Embedded: the driver and its executor threads talk over loopback only.
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        settings.forEach(conf::set);
        started = new JavaSparkContext(conf);
        return new SparkEngine(started, true, partitions, batch);
    }

    public String master() {
        return sc.master();
    }

    /** Partitions per evaluation: as configured, else Spark's default parallelism (the cores of local[N]). */
    public int partitions() {
        return partitions != null ? partitions : sc.defaultParallelism();
    }

    @Override
    public String describe() {
        return "spark " + sc.master() + ", " + partitions() + " partitions";
    }

    @Override
    public <R extends Serializable> List<R> map(ModelRef model, Dataset data, PartitionTask<R> task) {
        requireShippable(model);
        ModelRef ref = model instanceof ModelFileRef file && !sc.master().startsWith("local") ? ship(file) : model;
        List<Partition> parts = Partition.of(data, partitions(), batch);
        boolean failFirst = sc.getConf().getBoolean(FAIL_FIRST_ATTEMPT, false);
        // One slice per partition: parallelize cuts a list of n elements into n slices of one each.
        return sc.parallelize(parts, parts.size()).map(new RunPartition<>(ref, task, failFirst)).collect();
    }

    /** A model file goes to the executors with the job (SparkContext.addFile), and is loaded there after its hash is checked. */
    private ModelRef ship(ModelFileRef file) {
        sc.addFile(file.path());
        return new ShippedModelFile(file);
    }

    private static void requireShippable(ModelRef model) {
        try (ObjectOutputStream out = new ObjectOutputStream(java.io.OutputStream.nullOutputStream())) {
            out.writeObject(model);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("the spark engine cannot use this model: " + e.getMessage());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the spark engine cannot send the model reference " + model.key() + ": " + e);
        }
    }

    @Override
    public void close() {
        if (owned) {
            synchronized (SparkEngine.class) {
                sc.stop();
                if (started == sc) started = null;
            }
        }
    }
}
