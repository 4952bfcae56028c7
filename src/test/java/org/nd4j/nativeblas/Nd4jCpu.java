package org.nd4j.nativeblas;

/**
 * A compatibility shim, not RobustGate API. DL4J 1.0.0-M2.1 decides whether its layers may use
 * libnd4j's oneDNN kernels ({@code BaseMKLDNNHelper.mklDnnEnabled()}) by reflecting on
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment#isUseMKLDNN()}: the class's name and method
 * before ND4J moved it to {@code org.nd4j.linalg.cpu.nativecpu.bindings} and renamed the method
 * {@code isUseONEDNN()}. The lookup always fails there, so convolution and pooling layers never
 * use oneDNN, even in the oneDNN build of libnd4j (measured: training is im2col-bound). This class
 * answers the old lookup with the current environment's value, and changes nothing else.
 *
 * <p>It lives in RobustGate's test classes, which its own test runs, benchmarks and CLI put on the
 * classpath: the published jar does not carry it, so a project that uses RobustGate as a library
 * keeps DL4J's behaviour for its own training (see {@code dev.robustgate.model.OneDnnLayers}).
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** The current environment's {@code isUseONEDNN()}: true in libnd4j's oneDNN build. */
        public boolean isUseMKLDNN() {
            return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
        }
    }
}
