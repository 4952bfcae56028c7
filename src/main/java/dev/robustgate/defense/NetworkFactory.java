package dev.robustgate.defense;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** Builds a freshly initialised network; distillation needs two (teacher and student) of the same architecture. */
@FunctionalInterface
public interface NetworkFactory {
    MultiLayerNetwork create(long seed);
}
