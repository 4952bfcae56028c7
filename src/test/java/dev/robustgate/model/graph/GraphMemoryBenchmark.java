package dev.robustgate.model.graph;

import dev.robustgate.data.Dataset;
import dev.robustgate.data.Split;
import dev.robustgate.fixture.Victims;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.Dl4jClassifier;
import dev.robustgate.model.load.ModelFiles;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Input-gradient passes over Fashion-MNIST test images, timed, with the process's peak resident
 * memory (VmHWM) printed: a benchmark, run by hand, never a test.
 *
 * <pre>
 * java -cp ... dev.robustgate.model.graph.GraphMemoryBenchmark graph|direct-ops|dl4j-layers|FILE.onnx [n=10000] [batch=1000] [passes=3]
 * </pre>
 * "graph" is the fixture LeNet on the graph executor, the others its DL4J paths, a file any model.
 */
public final class GraphMemoryBenchmark {
    public static void main(String[] args) throws IOException {
        String mode = args[0];
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 10000;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int passes = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Victims victims = Victims.standard();
        Dataset test = victims.data().load("fashion-mnist", Split.TEST);
        test = test.slice(0, Math.min(n, test.size()));
        DifferentiableClassifier model;
        if (mode.endsWith(".onnx")) {
            model = ModelFiles.load(Path.of(mode));
        } else {
            Dl4jClassifier lenet = (Dl4jClassifier) victims.get("fashion-lenet").model();
            model = switch (mode) {
                case "graph" -> GraphClassifier.of("lenet-graph", LeNetGraph.of(lenet.network()), lenet.sampleShape(), batch);
                case "direct-ops" -> lenet.withExecution(Dl4jClassifier.Execution.DIRECT_OPS);
                case "dl4j-layers" -> lenet.withExecution(Dl4jClassifier.Execution.DL4J_LAYERS);
                default -> throw new IllegalArgumentException("mode: graph, direct-ops, dl4j-layers or a .onnx file");
            };
        }
        INDArray x = test.features();
        int[] y = test.labels();
        System.out.printf(Locale.ROOT, "%s: %d samples, batch %d, after load VmHWM %d MB%n", mode, test.size(), batch, peakRssMb());
        for (int p = 0; p < passes; p++) {
            long t0 = System.nanoTime();
            for (int from = 0; from < test.size(); from += batch) {
                int to = Math.min(test.size(), from + batch);
                INDArray xb = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to));
                int[] yb = java.util.Arrays.copyOfRange(y, from, to);
                INDArray g = model.lossGradient(xb, yb);
                g.close();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "  pass %d: %.2f s, %.0f gradients/s, VmHWM %d MB, VmRSS %d MB%n",
                    p, s, test.size() / s, peakRssMb(), rssMb("VmRSS"));
        }
    }

    static long peakRssMb() throws IOException {
        return rssMb("VmHWM");
    }

    static long rssMb(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key + ":")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
        return -1;
    }
}
