package dev.robustgate.model.load;

import dev.robustgate.model.graph.Graph;
import onnx.Onnx;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ONNX's own backend node tests (Debian's libonnx-testdata): every single-node test of an operator
 * the loader supports is loaded and run forward, and compared with ONNX's expected output at ONNX's
 * backend tolerance (|got - want| <= 1e-7 + 1e-3 |want|). A test is "refused" when the loader
 * declines an attribute combination, element type or rank with a one-line reason; it "fails" when it
 * loads but computes something else. Failures must be zero; the table lists both per operator.
 *
 * <p>Inputs after the first are turned into initializers with their test values, since the tests
 * pass weights, pads and axes as graph inputs where real models have constants.
 */
class OnnxNodeConformanceTest {
    static final Path NODE_TESTS = Path.of("/usr/share/libonnx-testdata/data/node");

    record Outcome(String op, String test, String status, String detail) {}

    @Test
    void supportedOperatorsPassOnnxBackendNodeTests() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(NODE_TESTS), "libonnx-testdata is not installed");
        List<Outcome> outcomes = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(NODE_TESTS)) {
            for (Path dir : dirs.sorted().toList()) {
                Path model = dir.resolve("model.onnx");
                Path data = dir.resolve("test_data_set_0");
                if (!Files.isRegularFile(model) || !Files.isDirectory(data)) continue;
                Onnx.ModelProto m = Onnx.ModelProto.parseFrom(Files.readAllBytes(model));
                if (m.getGraph().getNodeCount() != 1) continue;   // expanded function bodies and multi-node tests
                String op = m.getGraph().getNode(0).getOpType();
                if (!OnnxOps.supports(op)) continue;
                outcomes.add(run(op, dir.getFileName().toString(), m, data));
            }
        }
        Map<String, int[]> table = new TreeMap<>();
        for (Outcome o : outcomes) {
            int[] c = table.computeIfAbsent(o.op(), k -> new int[3]);
            c[o.status().equals("pass") ? 0 : o.status().equals("refused") ? 1 : 2]++;
        }
        StringBuilder report = new StringBuilder(String.format("%n%-20s %6s %8s %6s%n", "ONNX op", "passed", "refused", "failed"));
        int[] total = new int[3];
        table.forEach((op, c) -> {
            report.append(String.format("%-20s %6d %8d %6d%n", op, c[0], c[1], c[2]));
            for (int i = 0; i < 3; i++) total[i] += c[i];
        });
        report.append(String.format("%-20s %6d %8d %6d%n", "total", total[0], total[1], total[2]));
        for (Outcome o : outcomes) {
            if (!o.status().equals("pass")) report.append(String.format("  %-7s %-50s %s%n", o.status(), o.test(), o.detail()));
        }
        System.out.println(report);
        assertThat(outcomes.stream().filter(o -> o.status().equals("fail")).map(o -> o.test() + ": " + o.detail()))
                .as(report.toString()).isEmpty();
        assertThat(total[0]).as("node tests passed").isGreaterThan(150);
    }

    private static Outcome run(String op, String test, Onnx.ModelProto m, Path data) throws IOException {
        Onnx.GraphProto g = m.getGraph();
        Map<String, INDArray> inputs = new LinkedHashMap<>();
        for (int i = 0; i < g.getInputCount(); i++) {
            Path f = data.resolve("input_" + i + ".pb");
            if (!Files.isRegularFile(f)) continue;   // an optional input left out
            Onnx.TensorProto t = Onnx.TensorProto.parseFrom(Files.readAllBytes(f));
            inputs.put(g.getInput(i).getName(), t.getDataType() == 0 ? null : tryArray(t));
        }
        try {
            String first = g.getInput(0).getName();
            Onnx.GraphProto.Builder rewritten = g.toBuilder().clearInput().addInput(g.getInput(0));
            for (int i = 1; i < g.getInputCount(); i++) {
                String name = g.getInput(i).getName();
                Path f = data.resolve("input_" + i + ".pb");
                if (Files.isRegularFile(f)) {
                    rewritten.addInitializer(Onnx.TensorProto.parseFrom(Files.readAllBytes(f)).toBuilder().setName(name));
                }
            }
            INDArray x = inputs.get(first);
            if (x == null) return new Outcome(op, test, "refused", "input element type not supported");
            if (x.dataType() == DataType.DOUBLE) return new Outcome(op, test, "refused", "float64 input (graphs compute in float32)");
            if (x.dataType() != DataType.FLOAT && x.dataType() != DataType.LONG) {
                return new Outcome(op, test, "refused", x.dataType() + " input");
            }
            Graph graph = OnnxModels.graph(Path.of(test), m.toBuilder().setGraph(rewritten).build());
            Map<String, INDArray> results = graph.run(Map.of(first, x), graph.outputs());
            for (int k = 0; k < g.getOutputCount(); k++) {
                INDArray want = OnnxTensors.toArray(Onnx.TensorProto.parseFrom(Files.readAllBytes(data.resolve("output_" + k + ".pb"))));
                INDArray got = results.get(g.getOutput(k).getName());
                String why = compare(got, want);
                if (why != null) return new Outcome(op, test, "fail", "output " + k + ": " + why);
            }
            return new Outcome(op, test, "pass", "");
        } catch (RuntimeException e) {
            String msg = String.valueOf(e.getMessage());
            boolean refused = msg.contains("not supported") || msg.contains("only 2-D") || msg.contains("only constant");
            return new Outcome(op, test, refused ? "refused" : "fail", msg.replace(test + ": ", "").lines().findFirst().orElse(""));
        }
    }

    private static INDArray tryArray(Onnx.TensorProto t) {
        try {
            return OnnxTensors.toArray(t);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String compare(INDArray got, INDArray want) {
        if (got == null) return "missing";
        if (!java.util.Arrays.equals(got.shape(), want.shape())) {
            return "shape " + java.util.Arrays.toString(got.shape()) + " != " + java.util.Arrays.toString(want.shape());
        }
        if (want.length() == 0) return null;
        double[] g = got.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
        double[] w = want.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
        for (int i = 0; i < w.length; i++) {
            if (!(Math.abs(g[i] - w[i]) <= 1e-7 + 1e-3 * Math.abs(w[i])) && !(Double.isNaN(w[i]) && Double.isNaN(g[i]))
                    && !(Double.isInfinite(w[i]) && w[i] == g[i])) {
                return "element " + i + ": " + g[i] + " != " + w[i];
            }
        }
        return null;
    }
}
