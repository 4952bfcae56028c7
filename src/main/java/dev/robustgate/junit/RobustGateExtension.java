package dev.robustgate.junit;

import dev.robustgate.data.Dataset;
import dev.robustgate.data.Shard;
import dev.robustgate.fixture.Victims;
import dev.robustgate.model.Classifier;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.Dl4jClassifier;
import dev.robustgate.report.ReportWiring;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.lang.reflect.Parameter;

/**
 * Resolves {@link Victim} and {@link Samples} parameters and wires events and reports once per JVM.
 * Victims come from {@link Victims#standard()}, which shares loaded models across test classes.
 */
public class RobustGateExtension implements ParameterResolver, BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        ReportWiring.installOnce();
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        return pc.isAnnotated(Victim.class) || pc.isAnnotated(Samples.class);
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        Parameter p = pc.getParameter();
        if (pc.isAnnotated(Victim.class)) {
            return resolveVictim(p, pc.findAnnotation(Victim.class).orElseThrow().value());
        }
        Samples s = pc.findAnnotation(Samples.class).orElseThrow();
        if (!Dataset.class.isAssignableFrom(p.getType())) {
            throw new ParameterResolutionException("@Samples needs a parameter of type Dataset, but '" + p.getName()
                    + "' is " + p.getType().getSimpleName());
        }
        String dataset = s.dataset().isEmpty() ? datasetOfVictimIn(pc) : s.dataset();
        Dataset samples = Victims.standard().data().load(dataset, s.split()).sample(s.value(), s.seed());
        // -Drobustgate.shard=i/n: this JVM evaluates every n-th sample; ids keep the unsharded draws.
        Shard shard = Shard.fromSystemProperty();
        return shard == null ? samples : shard.of(samples);
    }

    private static Object resolveVictim(Parameter p, String name) {
        Class<?> type = p.getType();
        Victims victims = Victims.standard();
        if (victims.externals().containsKey(name)) {
            // A model file or an endpoint: a classifier in pixel space, white box when the file is one.
            Classifier c = victims.classifier(name);
            if (type.isInstance(c)) return c;
            throw new ParameterResolutionException("@Victim(\"" + name + "\") is " + (c instanceof DifferentiableClassifier
                    ? "a white box" : "a black box (scores only)") + " and cannot be injected as " + type.getSimpleName()
                    + ": use " + (c instanceof DifferentiableClassifier ? "DifferentiableClassifier or Classifier" : "Classifier"));
        }
        dev.robustgate.fixture.Victim v = victims.get(name);
        if (type.isAssignableFrom(dev.robustgate.fixture.Victim.class)) return v;
        if (type == Dl4jClassifier.class || type == DifferentiableClassifier.class || type == Classifier.class) {
            return v.model();
        }
        throw new ParameterResolutionException("@Victim(\"" + name + "\") cannot be injected as " + type.getSimpleName()
                + ": use DifferentiableClassifier, Classifier, Dl4jClassifier or dev.robustgate.fixture.Victim");
    }

    private static String datasetOfVictimIn(ParameterContext pc) {
        for (Parameter other : pc.getDeclaringExecutable().getParameters()) {
            Victim v = other.getAnnotation(Victim.class);
            if (v != null) {
                return Victims.standard().datasetOf(v.value());
            }
        }
        return "fashion-mnist";
    }
}
