package dev.robustgate.junit;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.metric.Proportion;

/** Static entry points, AssertJ style: {@code import static dev.robustgate.junit.RobustnessAssertions.*;} */
public final class RobustnessAssertions {
    private RobustnessAssertions() {}

    /** Gates on an attack result; also attaches its images and curve to the running Allure test. */
    public static RobustnessAssert assertThatRobustness(AttackResult result) {
        return RobustnessAssert.of(result);
    }

    /** Gates on any measured proportion, e.g. {@code CleanAccuracy.of(model, data)}. */
    public static ProportionAssert assertThatProportion(Proportion proportion) {
        return new ProportionAssert(proportion);
    }

    /** The attack invariants (ball, box, eps = 0, determinism, batch independence) on a result. */
    public static AttackResultAssert assertThatAttackResult(AttackResult result) {
        return AttackResultAssert.assertThatAttackResult(result);
    }
}
