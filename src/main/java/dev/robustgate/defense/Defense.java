package dev.robustgate.defense;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * How a victim is trained beyond plain minibatch descent. A defense is part of a victim's
 * definition (and so of its cache key), written in JSON with a {@code "type"} field, e.g.
 * {@code {"type": "pgd-adversarial-training", "eps": 0.1, "steps": 7, "stepSize": 0.025, "randomStart": true}}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = FgsmAdversarialTraining.class, name = "fgsm-adversarial-training"),
        @JsonSubTypes.Type(value = PgdAdversarialTraining.class, name = "pgd-adversarial-training"),
        @JsonSubTypes.Type(value = DefensiveDistillation.class, name = "defensive-distillation"),
        @JsonSubTypes.Type(value = DataAugmentation.class, name = "data-augmentation")})
public sealed interface Defense
        permits StandardTraining, FgsmAdversarialTraining, PgdAdversarialTraining, DefensiveDistillation, DataAugmentation {

    /** Trains a network as this defense prescribes, publishing batch and epoch events. */
    MultiLayerNetwork train(TrainingSetup setup);

    /** One line for reports, e.g. "PGD adversarial training (eps 0.1, 7 x 0.025, random start)". */
    String describe();

    /** Plain training: no defense. */
    static Defense none() {
        return StandardTraining.INSTANCE;
    }
}
