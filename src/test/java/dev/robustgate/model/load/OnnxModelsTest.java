package dev.robustgate.model.load;

import dev.robustgate.RobustGateException;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.load.ModelFiles;
import dev.robustgate.model.graph.GraphClassifier;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ONNX models exported by torch 1.13 (src/test/python/onnx_graph_fixtures.py) against torch's own
 * logits and input gradients on the same weights and inputs.
 */
class OnnxModelsTest {
    private static final Path DIR = Path.of("src/test/resources/onnx");

    static INDArray tensor(String name) throws IOException {
        return OnnxTensors.toArray(Onnx.TensorProto.parseFrom(Files.readAllBytes(DIR.resolve(name))));
    }

    static int[] labels() throws IOException {
        return Arrays.stream(tensor("tiny_resnet_labels.pb").toLongVector()).mapToInt(Math::toIntExact).toArray();
    }

    /** float32 against torch's float32: 1e-4 absolute on logits of size ~1, 1e-4 relative on gradients. */
    @ParameterizedTest
    @ValueSource(strings = {"tiny_resnet_op11.onnx", "tiny_resnet_op13.onnx"})
    void logitsAndInputGradientMatchTorch(String file) throws IOException {
        DifferentiableClassifier model = ModelFiles.load(DIR.resolve(file));
        assertThat(model).isInstanceOf(GraphClassifier.class);
        assertThat(model.sampleShape()).containsExactly(3, 8, 8);
        assertThat(model.numClasses()).isEqualTo(5);
        INDArray x = tensor("tiny_resnet_input.pb");
        double logitErr = Transforms.abs(model.logits(x).sub(tensor("tiny_resnet_logits.pb"))).maxNumber().doubleValue();
        assertThat(logitErr).as("max |logit - torch|").isLessThanOrEqualTo(1e-4);

        INDArray torchGrad = tensor("tiny_resnet_gradient.pb");
        INDArray g = model.lossGradient(x, labels());
        double scale = Transforms.abs(torchGrad).maxNumber().doubleValue();
        double gradErr = Transforms.abs(g.sub(torchGrad)).maxNumber().doubleValue() / scale;
        assertThat(scale).isGreaterThan(1e-3);
        assertThat(gradErr).as("max |grad - torch| / max |torch grad|").isLessThanOrEqualTo(1e-4);
        assertThat(model.counter().snapshot().forward()).isEqualTo(4);
        assertThat(model.counter().snapshot().gradient()).isEqualTo(4);
    }

    @Test
    void batchesGiveTheSameNumbersAsOneCall() throws IOException {
        Path file = DIR.resolve("tiny_resnet_op13.onnx");
        GraphClassifier whole = OnnxModels.load(file);
        GraphClassifier byOne = GraphClassifier.of("one", whole.graph(), whole.sampleShape(), 1);
        INDArray x = tensor("tiny_resnet_input.pb");
        assertThat(Transforms.abs(whole.lossGradient(x, labels()).sub(byOne.lossGradient(x, labels()))).maxNumber().doubleValue())
                .isLessThan(1e-6);
        assertThat(Transforms.abs(whole.probabilities(x).sub(byOne.probabilities(x))).maxNumber().doubleValue()).isLessThan(1e-6);
        assertThat(whole.logitsValue()).as("logits read before the final softmax").isEqualTo("/fc2/Gemm_output_0");
    }

    @Test
    void truncatedFileIsRefusedInOneLineNamingIt(@TempDir Path tmp) throws IOException {
        byte[] bytes = Files.readAllBytes(DIR.resolve("tiny_resnet_op13.onnx"));
        Path cut = tmp.resolve("cut.onnx");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> ModelFiles.load(cut)).isInstanceOf(RobustGateException.class)
                .hasMessageStartingWith(cut.toString()).hasMessageContaining("truncated or corrupt")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void unsupportedOpIsRefusedNamingOpNodeAndFile(@TempDir Path tmp) throws IOException {
        Onnx.ValueInfoProto in = Onnx.ValueInfoProto.newBuilder().setName("x").setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(Onnx.TensorShapeProto.newBuilder()
                        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(4))))).build();
        Onnx.GraphProto g = Onnx.GraphProto.newBuilder().addInput(in)
                .addNode(Onnx.NodeProto.newBuilder().setOpType("Relu").addInput("x").addOutput("h"))
                .addNode(Onnx.NodeProto.newBuilder().setOpType("HardSwish").addInput("h").addOutput("y"))
                .addOutput(Onnx.ValueInfoProto.newBuilder().setName("y")).build();
        Onnx.ModelProto m = Onnx.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setVersion(14)).build();
        Path file = tmp.resolve("hs.onnx");
        Files.write(file, m.toByteArray());
        // The executor's refusal; ModelFiles.load falls back to ONNX Runtime (OnnxRuntimeClassifierTest).
        assertThatThrownBy(() -> OnnxModels.load(file)).isInstanceOf(RobustGateException.class)
                .hasMessageStartingWith(file + ": HardSwish node '#1 HardSwish': operator HardSwish is not supported")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void dynamicNonBatchAxisNeedsAnExplicitShape(@TempDir Path tmp) throws IOException {
        Onnx.ValueInfoProto in = Onnx.ValueInfoProto.newBuilder().setName("x").setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(Onnx.TensorShapeProto.newBuilder()
                        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("D"))))).build();
        Onnx.GraphProto g = Onnx.GraphProto.newBuilder().addInput(in)
                .addNode(Onnx.NodeProto.newBuilder().setOpType("Softmax").setName("sm").addInput("x").addOutput("y"))
                .addOutput(Onnx.ValueInfoProto.newBuilder().setName("y")).build();
        Onnx.ModelProto m = Onnx.ModelProto.newBuilder().setGraph(g)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setVersion(13)).build();
        Path file = tmp.resolve("dyn.onnx");
        Files.write(file, m.toByteArray());
        assertThatThrownBy(() -> OnnxModels.load(file)).hasMessageContaining("axis 1 is dynamic");
        GraphClassifier c = OnnxModels.load(file, new long[]{6});
        assertThat(c.numClasses()).isEqualTo(6);
        assertThat(c.logitsValue()).isEqualTo("x");
    }
}
