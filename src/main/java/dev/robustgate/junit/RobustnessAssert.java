package dev.robustgate.junit;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.metric.CleanAccuracy;
import dev.robustgate.metric.RobustAccuracy;
import dev.robustgate.metric.SuccessRate;
import dev.robustgate.report.AttackReports;

/** Entry point for gates on an attack's result; pick the eps, then the metric, then the bound. */
public final class RobustnessAssert {
    private final AttackResult result;
    private final double eps;

    RobustnessAssert(AttackResult result, double eps) {
        this.result = result;
        this.eps = eps;
    }

    /** Narrows a sweep to one of its eps (an eps that was not evaluated is an error, not a pass). */
    public RobustnessAssert atEps(double eps) {
        result.at(eps);
        return new RobustnessAssert(result, eps);
    }

    public ProportionAssert robustAccuracy() {
        return new ProportionAssert(RobustAccuracy.of(result, epsOrSingle()));
    }

    public ProportionAssert successRate() {
        return new ProportionAssert(SuccessRate.of(result, epsOrSingle()));
    }

    /** Clean accuracy of the very samples the attack saw. */
    public ProportionAssert cleanAccuracy() {
        return new ProportionAssert(CleanAccuracy.of(result));
    }

    public AttackResult result() {
        return result;
    }

    private double epsOrSingle() {
        if (!Double.isNaN(eps)) return eps;
        return result.single().eps();
    }

    static RobustnessAssert of(AttackResult result) {
        if (result == null) throw new AssertionError("expected an attack result but was null");
        AttackReports.attach(result);
        return new RobustnessAssert(result, Double.NaN);
    }
}
