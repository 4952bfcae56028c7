package dev.robustgate.engine;

import java.util.Locale;

/**
 * Picks an engine by name: {@code in-process} (the default) or {@code spark}. Specs pick one with
 * system properties, e.g. {@code mvn test -Drobustgate.engine=spark -Drobustgate.engine.master=spark://host:7077},
 * and run evaluations through {@link #configured()}.
 */
public final class Engines {
    public static final String PROPERTY = "robustgate.engine";
    public static final String MASTER_PROPERTY = "robustgate.engine.master";
    public static final String PARTITIONS_PROPERTY = "robustgate.engine.partitions";
    public static final String BATCH_PROPERTY = "robustgate.engine.batch";
    public static final String DEFAULT_MASTER = "local[*]";
    /** Partitions hold whole batches of this many samples: the attacks' default batch size (AttackSettings.DEFAULT_BATCH). */
    public static final int DEFAULT_BATCH = dev.robustgate.attack.AttackSettings.DEFAULT_BATCH;
    private static final String SPARK_ENGINE = "dev.robustgate.engine.spark.SparkEngine";

    private static Engine configured;

    private Engines() {}

    /**
     * The engine the system properties name ({@value #PROPERTY}: in-process or spark; {@value #MASTER_PROPERTY},
     * default {@value #DEFAULT_MASTER}; {@value #PARTITIONS_PROPERTY}), shared by this JVM and closed when it exits.
     */
    public static synchronized Engine configured() {
        if (configured == null) {
            String p = System.getProperty(PARTITIONS_PROPERTY);
            Engine e = open(System.getProperty(PROPERTY, "in-process"), System.getProperty(MASTER_PROPERTY),
                    p == null || p.isBlank() ? null : parsePartitions(p), Integer.getInteger(BATCH_PROPERTY, DEFAULT_BATCH));
            Runtime.getRuntime().addShutdownHook(new Thread(e::close, "robustgate-engine-close"));
            configured = e;
        }
        return configured;
    }

    /**
     * A new engine (the caller closes it). {@code master} and {@code partitions} may be null for the
     * defaults: {@value #DEFAULT_MASTER}; one partition in-process, Spark's default parallelism on Spark.
     */
    public static Engine open(String name, String master, Integer partitions) {
        return open(name, master, partitions, DEFAULT_BATCH);
    }

    /**
     * As {@link #open(String, String, Integer)}, with partitions cut at whole batches of {@code batch}
     * samples: give the attacks' batch size (or a multiple), so that a partition's batches are the
     * one-JVM run's (see {@link Partition#of}).
     */
    public static Engine open(String name, String master, Integer partitions, int batch) {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        if (partitions != null && partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        String n = name == null ? "in-process" : name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "in-process", "inprocess", "local" -> {
                if (master != null) {
                    throw new IllegalArgumentException("a master (" + master + ") applies to the spark engine only");
                }
                return new InProcessEngine(partitions == null ? 1 : partitions, batch);
            }
            case "spark" -> {
                return spark(master == null || master.isBlank() ? null : master.trim(), partitions, batch);
            }
            default -> throw new IllegalArgumentException("unknown engine '" + name + "': use in-process or spark");
        }
    }

    private static Engine spark(String master, Integer partitions, int batch) {
        Class<?> type;
        try {
            Class.forName("org.apache.spark.SparkContext", false, Engines.class.getClassLoader());
            type = Class.forName(SPARK_ENGINE);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("the spark engine needs Apache Spark on the classpath (org.apache.spark:"
                    + "spark-core_2.13:4.0.x, an optional dependency of RobustGate): " + e);
        }
        try {
            return (Engine) type.getMethod("start", String.class, Integer.class, int.class).invoke(null, master, partitions, batch);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException("cannot start the spark engine on " + master + ": " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot start the spark engine: " + e, e);
        }
    }

    static int parsePartitions(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PARTITIONS_PROPERTY + " must be a whole number >= 1, got '" + text + "'");
        }
    }
}
