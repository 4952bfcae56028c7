package dev.robustgate.model;

import dev.robustgate.model.load.ModelFiles;
import dev.robustgate.model.graph.GraphClassifier;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ONNX Runtime as the forward oracle of the graph executor, and as the black-box fallback for
 * a model whose ops the executor lacks.
 */
class OnnxRuntimeClassifierTest {
    private static final Path DIR = Path.of("src/test/resources/onnx");

    private static INDArray tensor(String name) throws IOException {
        return dev.robustgate.model.load.OnnxModelsTestAccess.tensor(DIR.resolve(name));
    }

    @Test
    void runtimeAndGraphExecutorAgreeOnTheTinyResnet() throws IOException {
        for (String f : new String[]{"tiny_resnet_op11.onnx", "tiny_resnet_op13.onnx"}) {
            Path file = DIR.resolve(f);
            INDArray x = tensor("tiny_resnet_input.pb");
            try (OnnxRuntimeClassifier ort = OnnxRuntimeClassifier.load(file, new long[]{3, 8, 8})) {
                GraphClassifier graph = dev.robustgate.model.load.OnnxModels.load(file);
                INDArray p = ort.probabilities(x);
                double err = Transforms.abs(p.sub(graph.probabilities(x))).maxNumber().doubleValue();
                assertThat(err).as("%s: max |p_ort - p_graph|", f).isLessThanOrEqualTo(1e-5);
                INDArray torch = Transforms.softmax(tensor("tiny_resnet_logits.pb"), true);
                assertThat(Transforms.abs(p.sub(torch)).maxNumber().doubleValue()).as("vs torch").isLessThanOrEqualTo(1e-5);
                assertThat(ort.numClasses()).isEqualTo(5);
                assertThat(ort.counter().snapshot().forward()).isEqualTo(x.size(0));
                assertThat(p.sum(1).sub(1.0).amaxNumber().doubleValue()).isLessThan(1e-5);
            }
        }
    }

    /** y = Softplus(x) W: Softplus is not among the executor's ops. */
    static Path softplusModel(Path dir, INDArray w) throws IOException {
        Onnx.TensorProto.Builder wt = Onnx.TensorProto.newBuilder().setName("W").setDataType(1).addDims(w.size(0)).addDims(w.size(1));
        for (float v : w.data().asFloat()) wt.addFloatData(v);
        Onnx.GraphProto g = Onnx.GraphProto.newBuilder().setName("softplus-mlp")
                .addInput(valueInfo("x", w.size(0))).addOutput(valueInfo("y", w.size(1)))
                .addInitializer(wt)
                .addNode(Onnx.NodeProto.newBuilder().setOpType("Softplus").addInput("x").addOutput("h"))
                .addNode(Onnx.NodeProto.newBuilder().setOpType("MatMul").addInput("h").addInput("W").addOutput("y"))
                .build();
        Onnx.ModelProto m = Onnx.ModelProto.newBuilder().setIrVersion(8).setProducerName("robustgate-test")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
        Path f = dir.resolve("softplus.onnx");
        Files.write(f, m.toByteArray());
        return f;
    }

    private static Onnx.ValueInfoProto valueInfo(String name, long features) {
        Onnx.TensorShapeProto shape = Onnx.TensorShapeProto.newBuilder()
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(features)).build();
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
    }

    @Test
    void aModelWithAnOpTheExecutorLacksRunsAsABlackBox(@TempDir Path dir) throws IOException {
        Nd4j.getRandom().setSeed(3);
        INDArray w = Nd4j.randn(DataType.FLOAT, 4, 3);
        Path f = softplusModel(dir, w);
        Classifier model = ModelFiles.load(f, InputDeclaration.NONE);
        assertThat(model).isInstanceOf(OnnxRuntimeClassifier.class).isNotInstanceOf(DifferentiableClassifier.class);
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 4);
        INDArray logits = Transforms.log(Transforms.exp(x, true).addi(1.0), false).mmul(w);
        INDArray expected = Transforms.softmax(logits, true);
        assertThat(Transforms.abs(model.probabilities(x).sub(expected)).maxNumber().doubleValue()).isLessThan(1e-5);
        assertThat(Transforms.abs(((OnnxRuntimeClassifier) model).rawOutput(x).sub(logits)).maxNumber().doubleValue()).isLessThan(1e-5);

        assertThatThrownBy(() -> ModelFiles.load(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("softplus is a black box (scores only), so white-box attacks cannot run on it; eval --attack square, steal and SquareAttack work on it");
        Classifier normalised = ModelFiles.load(f, new InputDeclaration(null, null, new double[]{0.5}, new double[]{0.25}, null, null));
        INDArray viaAdapter = normalised.probabilities(x);
        INDArray byHand = model.probabilities(x.sub(0.5).muli(4));
        assertThat(Transforms.abs(viaAdapter.sub(byHand)).maxNumber().doubleValue()).as("%s%nvs%n%s", viaAdapter, byHand)
                .isLessThan(1e-5);
    }

    @Test
    void aShapeTheRuntimeRefusesIsOneLine(@TempDir Path dir) throws IOException {
        Path f = softplusModel(dir, Nd4j.ones(DataType.FLOAT, 4, 3));
        assertThatThrownBy(() -> OnnxRuntimeClassifier.load(f, new long[]{5})).hasMessageStartingWith(f.toString())
                .hasMessageContaining("ONNX Runtime cannot run it on samples of shape [5]")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> ModelFiles.load(f, new InputDeclaration(new long[]{5}, null, null, null, null, null)))
                .hasMessage(f + " takes input 4, but --input-shape is 5");
    }
}
