package dev.robustgate.engine;

import dev.robustgate.attack.Attack;
import dev.robustgate.attack.WorstCaseOf;
import dev.robustgate.data.Dataset;
import dev.robustgate.metric.GradientStatistics;
import dev.robustgate.model.DifferentiableClassifier;

/** The partition tasks of the evaluations an {@link Engine} runs. */
final class Tasks {
    private Tasks() {}

    /** One attack over the partition. */
    record RunAttack(Attack attack) implements PartitionTask<AttackOutcome> {
        @Override
        public AttackOutcome run(DifferentiableClassifier model, Dataset partition) {
            return AttackOutcome.of(attack.run(model, partition));
        }
    }

    /** A worst case over the partition, with what each member did. */
    record RunWorstCase(WorstCaseOf attack) implements PartitionTask<WorstCaseOutcome> {
        @Override
        public WorstCaseOutcome run(DifferentiableClassifier model, Dataset partition) {
            return WorstCaseOutcome.of(attack.runDetailed(model, partition), partition);
        }
    }

    /** Per-sample input-gradient L1 norms, keyed by id. */
    record GradientNorms() implements PartitionTask<GradientNorms.Outcome> {
        record Outcome(String victim, int[] ids, double[] l1) implements java.io.Serializable {}

        @Override
        public Outcome run(DifferentiableClassifier model, Dataset partition) {
            return new Outcome(model.name(), partition.sampleIds(), GradientStatistics.l1Norms(model, partition));
        }
    }
}
