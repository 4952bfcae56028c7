package dev.robustgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code eval --model FILE} with the input options, and the hostile or mismatched files that must
 * end in one line and exit 2.
 */
class ModelFileOptionsTest {
    @TempDir
    static Path dir;

    private static Path cnn(int channels, String name) throws IOException {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5).list()
                .layer(new ConvolutionLayer.Builder(5, 5).nIn(channels).nOut(4).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(channels == 1 ? 28 : 32, channels == 1 ? 28 : 32, channels)).build());
        net.init();
        Path f = dir.resolve(name);
        if (!Files.exists(f)) ModelSerializer.writeModel(net, f.toFile(), false);
        return f;
    }

    private static Path withEntry(Path zip, String entry, byte[] content, String name) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) m.put(e.getName(), z.getInputStream(e).readAllBytes());
        }
        m.put(entry, content);
        Path out = dir.resolve(name);
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(out))) {
            for (var e : m.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out;
    }

    private static CliRun.Result eval(String... args) {
        List<String> all = new ArrayList<>(List.of("eval", "--attack", "fgsm", "--eps", "0.05", "--limit", "20", "--no-masking-checks"));
        all.addAll(Arrays.asList(args));
        return CliRun.run(all.toArray(String[]::new));
    }

    private static void assertOneLineExitTwo(CliRun.Result r, String... words) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.errLines()).as(r.toString()).hasSize(1);
        for (String w : words) assertThat(r.errLines().get(0)).as(r.toString()).contains(w);
    }

    @Test
    void aPlantedSerializedEntryAZipBombAndATruncatedFileEachEndInOneLine() throws IOException {
        Path ok = cnn(1, "grey.zip");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(b)) {
            o.writeObject(new java.util.ArrayList<>(List.of("planted")));
        }
        assertOneLineExitTwo(eval("--model", withEntry(ok, "preprocessor.bin", b.toByteArray(), "planted.zip").toString()),
                "planted.zip", "preprocessor.bin", "Java-serialized");
        assertOneLineExitTwo(eval("--model", withEntry(ok, "coefficients.bin", new byte[32 << 20], "bomb.zip").toString()),
                "bomb.zip", "coefficients.bin", "zip bomb");
        byte[] bytes = Files.readAllBytes(ok);
        Path cut = dir.resolve("cut.zip");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 100));
        assertOneLineExitTwo(eval("--model", cut.toString()), "cut.zip", "truncated or corrupt");
    }

    @Test
    void aModelWhoseInputDoesNotFitTheDataIsRefusedAtLoad() throws IOException {
        Path colour = cnn(3, "colour.zip");
        assertOneLineExitTwo(eval("--model", colour.toString()), "colour.zip takes input 3,?,?", "the data (fashion-mnist) is 1,28,28");
        assertOneLineExitTwo(eval("--model", colour.toString(), "--input-shape", "3,32,32"),
                "colour.zip takes input 3,32,32", "the data (fashion-mnist) is 1,28,28");
    }

    @Test
    void badInputOptionsAreRefusedBeforeLoading() {
        assertOneLineExitTwo(eval("--victim", "fashion-mlp-small", "--mean", "0.5"), "--mean", "applies to --model only");
        assertOneLineExitTwo(eval("--model", "/nonexistent.zip", "--input-shape", "3,32"), "input shape must be C,H,W or D", "3,32");
        assertOneLineExitTwo(eval("--model", "/nonexistent.zip", "--std", "0.5,0"), "std must be > 0");
        assertOneLineExitTwo(eval("--model", "/nonexistent.zip", "--input-range", "0,255,3"), "--input-range takes MIN,MAX");
    }

    @Test
    void aModelWithDeclaredNormalisationEvaluates() throws IOException {
        Path grey = cnn(1, "grey.zip");
        Path json = dir.resolve("out.json");
        CliRun.Result r = eval("--model", grey.toString(), "--mean", "0.2860", "--std", "0.3530", "--json", json.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(0);
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.get("samples").asInt()).isEqualTo(20);
        assertThat(root.get("results").get(0).get("gradient_evaluations").asLong()).isGreaterThan(0);
        assertOneLineExitTwo(eval("--model", grey.toString(), "--mean", "0.1,0.2"), "mean has 2 values for 1 channels");
    }

    @Test
    void aModelFileCanBeStolenWithTheSameInputOptions() throws IOException {
        Path grey = cnn(1, "grey.zip");
        CliRun.Result r = CliRun.run("steal", "--model", grey.toString(), "--mean", "0.2860", "--std", "0.3530",
                "--strategy", "uniform", "--budget", "200", "--checkpoints", "200", "--epochs", "1", "--arch", "mlp");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(0);
        assertThat(r.out()).contains("stealing " + grey + " (model file)").contains("200 queries used");
        assertOneLineExitTwo(CliRun.run("steal", "--model", grey.toString(), "--strategy", "uniform", "--budget", "10"),
                "--arch same copies a named victim's architecture");
        assertOneLineExitTwo(CliRun.run("steal", "--victim", "fashion-mlp-small", "--std", "0.5", "--strategy", "uniform",
                "--budget", "10"), "--std", "applies to --model only");
    }
}
