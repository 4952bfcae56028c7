package dev.robustgate.defense;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a defense does to a minibatch before the network is fitted on it: replace some inputs by
 * adversarial examples, transform the images, or nothing. Inputs are in the network's layout.
 */
@FunctionalInterface
interface BatchStep {
    BatchStep CLEAN = (net, x, y, seed) -> x;

    /** The inputs to fit on instead of {@code x}; {@code seed} is unique to this epoch and batch. */
    INDArray inputsFor(MultiLayerNetwork net, INDArray x, INDArray y, long seed);
}
