package dev.robustgate.junit;

import dev.robustgate.data.Split;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects a seeded random subset of a dataset as a {@code Dataset}: the same (value, seed) always
 * names the same images. {@code dataset} defaults to the dataset of the method's {@link Victim}
 * parameter, or fashion-mnist when there is none. With {@code -Drobustgate.shard=i/n} only shard i of
 * those samples is injected (see {@link dev.robustgate.data.Shard}).
 */
@Documented
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
public @interface Samples {
    /** How many samples; must not exceed the split's size. */
    int value();

    long seed() default 7L;

    String dataset() default "";

    Split split() default Split.TEST;
}
