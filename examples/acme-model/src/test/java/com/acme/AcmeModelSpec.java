package com.acme;

import dev.robustgate.attack.PgdAttack;
import dev.robustgate.data.Dataset;
import dev.robustgate.junit.*;
import dev.robustgate.model.DifferentiableClassifier;
import org.junit.jupiter.api.Test;

import static dev.robustgate.junit.RobustnessAssertions.assertThatRobustness;

@RobustnessSpec
class AcmeModelSpec {
    @Test
    void resistsPgd(@Victim("acme-cnn") DifferentiableClassifier model,
                    @Samples(dataset = "acme-test", value = 90, seed = 7) Dataset photos) {
        var result = PgdAttack.linf().eps(0.03).steps(20).run(model, photos);
        assertThatRobustness(result).robustAccuracy().lowerBound().isAtLeast(0.50);
    }
}
