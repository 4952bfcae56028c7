package dev.robustgate.bench;

import org.nd4j.linalg.factory.Nd4j;

import java.lang.management.ManagementFactory;

/** The machine and thread settings a benchmark ran with; numbers are only comparable when these match. */
public record MachineInfo(int cores, String jvm, String os, String backend, String blas, int nd4jThreads,
                          int nd4jMasterThreads, int blasThreads, String ompNumThreads, double loadAverage) {

    public static MachineInfo current() {
        return new MachineInfo(Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                Nd4j.getBackend().getClass().getSimpleName() + nativeBuild(),
                String.valueOf(Nd4j.factory().blas().getBlasVendor()),
                Nd4j.getEnvironment().maxThreads(), Nd4j.getEnvironment().maxMasterThreads(),
                Nd4j.factory().blas().getMaxThreads(),
                String.valueOf(System.getenv("OMP_NUM_THREADS")),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /**
     * " (linux-x86_64-onednn)": which libnd4j build JavaCPP loaded, read from the loaded library's
     * directory; the builds differ several-fold in speed, so a benchmark must say which one ran.
     */
    static String nativeBuild() {
        for (String path : org.bytedeco.javacpp.Loader.getLoadedLibraries().values()) {
            if (path == null || !path.contains("nd4jcpu")) continue;
            java.nio.file.Path dir = java.nio.file.Path.of(path).getParent();
            if (dir != null && dir.getFileName() != null) return " (" + dir.getFileName() + ")";
        }
        return "";
    }

    /** Sets ND4J's op threads and BLAS threads to {@code n} (OMP_NUM_THREADS must be set before the JVM starts). */
    public static void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        Nd4j.getEnvironment().setMaxThreads(n);
        Nd4j.getEnvironment().setMaxMasterThreads(n);
        Nd4j.factory().blas().setMaxThreads(n);
    }
}
