package dev.robustgate.junit;

import dev.robustgate.attack.Attack;
import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.WorstCaseOf;
import dev.robustgate.data.Dataset;
import dev.robustgate.engine.Engine;
import dev.robustgate.engine.Engines;
import dev.robustgate.engine.ModelRef;
import dev.robustgate.fixture.Victims;
import dev.robustgate.metric.MaskingChecks;
import dev.robustgate.metric.MaskingReport;

/**
 * A spec's evaluation of a named victim on the engine the system properties name ({@code
 * -Drobustgate.engine=spark}, {@code -Drobustgate.engine.master=...}; in-process by default, where
 * it is exactly the direct call): {@code OnEngine.victim("fashion-lenet").run(attack, test)}.
 */
public record OnEngine(String victim) {

    public static OnEngine victim(String name) {
        Victims.standard().requireKnown(name);
        return new OnEngine(name);
    }

    /**
     * The victim as an engine loads it wherever a partition runs: by name, from the fixture cache
     * (executors of a cluster must share it, see README "Scale out on Spark").
     */
    public static ModelRef ref(String name) {
        return ModelRef.of("victim:" + name + "@" + Victims.standard().cache().directory(), name,
                () -> dev.robustgate.model.load.ModelFiles.whiteBox(Victims.standard().classifier(name)));
    }

    public AttackResult run(Attack attack, Dataset data) {
        return engine().run(attack, model(), data);
    }

    public WorstCaseOf.Detailed runDetailed(WorstCaseOf attack, Dataset data) {
        return engine().runDetailed(attack, model(), data);
    }

    public MaskingReport maskingChecks(MaskingChecks checks, Dataset data) {
        return engine().maskingChecks(checks, model(), data);
    }

    private static Engine engine() {
        return Engines.configured();
    }

    private ModelRef model() {
        boolean inProcess = engine() instanceof dev.robustgate.engine.InProcessEngine;
        return inProcess ? ModelRef.loaded(dev.robustgate.model.load.ModelFiles.whiteBox(Victims.standard().classifier(victim))) : ref(victim);
    }
}
