package dev.robustgate.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects a named victim, trained on first use and cached in fixtures/cache. The parameter may be
 * a {@code DifferentiableClassifier}, a {@code Classifier}, a {@code Dl4jClassifier} or a
 * {@code dev.robustgate.fixture.Victim} (model plus its metadata).
 */
@Documented
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
public @interface Victim {
    String value();
}
