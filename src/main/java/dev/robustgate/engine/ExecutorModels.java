package dev.robustgate.engine;

import dev.robustgate.model.DifferentiableClassifier;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models this JVM has loaded for partitions, by {@link ModelRef#key()}: a model is loaded
 * once per executor JVM and reused by every later task and job, never shipped with a task.
 * Concurrent tasks share it (its methods are synchronized), each through a {@link TaskModel} that
 * counts only that task's evaluations.
 */
public final class ExecutorModels {
    private static final Map<String, DifferentiableClassifier> MODELS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> LOADS = new ConcurrentHashMap<>();

    private ExecutorModels() {}

    /** The model of {@code ref}, loaded on first use in this JVM. */
    public static DifferentiableClassifier get(ModelRef ref) {
        if (ref instanceof LoadedModelRef loaded) return loaded.model();
        return MODELS.computeIfAbsent(ref.key(), k -> {
            LOADS.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
            return ref.load();
        });
    }

    /** The model of {@code ref} as one task sees it: shared, with the task's own evaluation counter. */
    public static DifferentiableClassifier forTask(ModelRef ref) {
        return new TaskModel(get(ref));
    }

    /** How often this JVM loaded the model with {@code key} (1 after any number of tasks). */
    public static int loads(String key) {
        AtomicInteger n = LOADS.get(key);
        return n == null ? 0 : n.get();
    }
}
