package dev.robustgate.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.lang.reflect.Field;

/**
 * Lets DL4J's convolution and pooling layers run libnd4j's oneDNN kernels. DL4J 1.0.0-M2.1 ships
 * its oneDNN ("MKL-DNN") layer helpers switched off: {@code org.eclipse.deeplearning4j.helpers.disable}
 * defaults to true, and its check for the oneDNN build looks under a class name ND4J has since
 * moved (answered by the {@code org.nd4j.nativeblas.Nd4jCpu} shim). Without them a LeNet's
 * training step spends most of its time in im2col; with them one LeNet epoch on 10,000 images
 * takes 4.8 s instead of 15.3 s here (README, Benchmarks). The helpers are read when a layer is
 * created, so this must run before networks are built or loaded.
 *
 * <p>Only for RobustGate's own work: the switch is a JVM-wide system property, which would change a
 * consumer's own DL4J training in the same test JVM behind its back. It is set only when the shim
 * is on the classpath, i.e. in RobustGate's own builds (test classes, ./robustgate), never from the
 * published jar. A project that wants the helpers sets the property itself.
 */
public final class OneDnnLayers {
    /** DL4J's switch; a value the user set (e.g. {@code -D...=true} to compare) is left alone. */
    public static final String HELPERS_DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

    private static final boolean SHIM_PRESENT = present("org.nd4j.nativeblas.Nd4jCpu");

    private static boolean present(String className) {
        try {
            Class.forName(className, false, OneDnnLayers.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private OneDnnLayers() {
    }

    public static void enable() {
        if (SHIM_PRESENT && System.getProperty(HELPERS_DISABLE_PROPERTY) == null) {
            System.setProperty(HELPERS_DISABLE_PROPERTY, "false");
        }
    }

    /**
     * Takes the oneDNN helper off every channels-last (NHWC) convolution of {@code net}, so that
     * DL4J's own im2col code computes it. Why: M2.1's MKLDNNConvHelper returns wrong input gradients
     * for NHWC convolutions (the imported Keras LeNet's cross-entropy gradient through DL4J's layers
     * differed from PyTorch's by up to 0.68 where the gradient itself is at most 0.70, and changed from
     * run to run; without the helper 3.0e-7). Forward outputs were right. Channels-first convolutions
     * are unaffected (checked against finite differences in Dl4jClassifierTest).
     *
     * @return how many helpers were taken off
     */
    public static int withoutChannelsLastConvolutionHelpers(MultiLayerNetwork net) {
        int removed = 0;
        for (Layer layer : net.getLayers()) {
            if (layer instanceof ConvolutionLayer conv && conv.getHelper() != null
                    && conv.layerConf().getCnn2dDataFormat() == CNN2DFormat.NHWC) {
                clearHelper(conv);
                removed++;
            }
        }
        return removed;
    }

    private static void clearHelper(ConvolutionLayer conv) {
        try {
            Field helper = ConvolutionLayer.class.getDeclaredField("helper");
            helper.setAccessible(true);
            helper.set(conv, null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot take the oneDNN helper off a channels-last convolution (DL4J "
                    + "changed?): its input gradients would be wrong: " + e, e);
        }
    }
}
