package dev.robustgate.event;

/** One no-op default per event type: a listener overrides only the events it cares about. */
public interface EventListener {
    default void onTrainingStarted(TrainingStarted e) {}
    default void onTrainingBatch(TrainingBatch e) {}
    default void onTrainingEpoch(TrainingEpoch e) {}
    default void onTrainingFinished(TrainingFinished e) {}
    default void onDefenseEpoch(DefenseEpoch e) {}
    default void onCacheHit(CacheHit e) {}
    default void onCacheMiss(CacheMiss e) {}
    default void onAttackStarted(AttackStarted e) {}
    default void onAttackStep(AttackStep e) {}
    default void onBatchDone(BatchDone e) {}
    default void onAttackFinished(AttackFinished e) {}
    default void onGateChecked(GateChecked e) {}
    default void onQuery(Query e) {}
}
