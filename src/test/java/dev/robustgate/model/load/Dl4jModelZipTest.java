package dev.robustgate.model.load;

import dev.robustgate.RobustGateException;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DL4J zips are read without ModelSerializer's restore and without Java deserialization: good
 * zips give DL4J's own network, hostile or broken ones a one-line error naming file and entry.
 */
class Dl4jModelZipTest {
    @TempDir
    Path dir;

    static MultiLayerNetwork smallCnn() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(8).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 6, 2)).build());
        net.init();
        return net;
    }

    static ComputationGraph smallResidualGraph() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(4).graphBuilder()
                .addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nIn(5).nOut(5).activation(Activation.RELU).build(), "in")
                .addVertex("res", new ElementWiseVertex(ElementWiseVertex.Op.Add), "in", "d1")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "res")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    private Path saved(Model net, boolean updater) throws IOException {
        Path f = dir.resolve("model-" + System.nanoTime() + ".zip");
        ModelSerializer.writeModel(net, f.toFile(), updater);
        return f;
    }

    @Test
    void aMultiLayerNetworkZipLoadsWithDl4jsOwnOutputs() throws IOException {
        MultiLayerNetwork net = smallCnn();
        Path f = saved(net, true);   // with updaterState.bin, which is allowed and never read
        MultiLayerNetwork back = (MultiLayerNetwork) Dl4jModelZip.load(f);
        INDArray x = Nd4j.rand(4, 2, 6, 6);
        assertThat(back.output(x, false)).isEqualTo(net.output(x, false));
        assertThat(back.params()).isEqualTo(net.params());
    }

    @Test
    void aComputationGraphZipLoadsWithDl4jsOwnOutputs() throws IOException {
        ComputationGraph g = smallResidualGraph();
        ComputationGraph back = (ComputationGraph) Dl4jModelZip.load(saved(g, false));
        INDArray x = Nd4j.rand(4, 5);
        assertThat(back.outputSingle(false, x)).isEqualTo(g.outputSingle(false, x));
    }

    /** Records whether any ObjectInputStream ever deserialized it. */
    static final class Canary implements Serializable {
        static volatile boolean deserialized;

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            deserialized = true;
        }
    }

    @Test
    void aPlantedSerializedPreprocessorIsRefusedUnread() throws IOException {
        Path f = withEntry(saved(smallCnn(), false), "preprocessor.bin", serialized(new Canary()));
        Canary.deserialized = false;
        assertOneLineRefusal(f, "entry preprocessor.bin holds a Java-serialized object");
        assertThat(Canary.deserialized).as("the planted object was never deserialized").isFalse();
    }

    @Test
    void otherEntriesAreRefusedByName() throws IOException {
        Path ok = saved(smallCnn(), false);
        assertOneLineRefusal(withEntry(ok, "objects/key", serialized(new Canary())), "entry objects/key holds a Java-serialized object");
        assertOneLineRefusal(withEntry(ok, "normalizer.bin", new byte[16]), "normalizer.bin", "--mean/--std");
        assertOneLineRefusal(withEntry(ok, "../../evil.sh", new byte[3]), "unexpected entry '../../evil.sh'");
    }

    @Test
    void aZipBombIsRefusedBeforeItIsInflated() throws IOException {
        // 64 MiB of zeros deflate to ~64 KB: a ratio near 1000, which no model's entry has.
        Path f = withEntry(saved(smallCnn(), false), "coefficients.bin", new byte[64 << 20]);
        assertThat(Files.size(f)).isLessThan(1 << 20);
        assertOneLineRefusal(f, "entry coefficients.bin expands from", "refused as a zip bomb");
    }

    @Test
    void realModelEntriesCompressFarBelowTheRatioCap() throws IOException {
        Path f = saved(smallCnn(), true);
        try (ZipFile z = new ZipFile(f.toFile())) {
            z.stream().forEach(e -> assertThat((double) e.getSize() / Math.max(1, e.getCompressedSize()))
                    .as(e.getName()).isLessThan(Dl4jModelZip.MAX_RATIO / 4.0));
        }
    }

    @Test
    void truncatedFilesAndEntriesAreRefused() throws IOException {
        Path ok = saved(smallCnn(), false);
        byte[] all = Files.readAllBytes(ok);
        Path cut = dir.resolve("cut.zip");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        assertOneLineRefusal(cut, "not a readable zip, truncated or corrupt");

        byte[] coefficients = entries(ok).get("coefficients.bin");
        Path shortParams = withEntry(ok, "coefficients.bin", Arrays.copyOf(coefficients, coefficients.length - 40));
        assertOneLineRefusal(shortParams, "entry coefficients.bin is truncated or corrupt");

        Path garbage = dir.resolve("garbage.zip");
        Files.write(garbage, "not a zip at all".getBytes());
        assertOneLineRefusal(garbage, "not a readable zip");
    }

    @Test
    void parametersOfAnotherNetworkAreRefused() throws IOException {
        Path cnn = saved(smallCnn(), false);
        Path other = withEntry(cnn, "coefficients.bin", entries(saved(smallResidualGraph(), false)).get("coefficients.bin"));
        assertOneLineRefusal(other, "coefficients.bin holds 48 parameters, but configuration.json describes 623");
        Path badJson = withEntry(cnn, "configuration.json", "{\"confs\": [{\"layer\": {\"@class\": \"java.lang.Runtime\"}}]}".getBytes());
        assertOneLineRefusal(badJson, "configuration.json is not a DL4J MultiLayerNetwork configuration");
    }

    private static void assertOneLineRefusal(Path f, String... words) {
        assertThatThrownBy(() -> Dl4jModelZip.load(f)).isInstanceOf(RobustGateException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).startsWith(f.toString()).doesNotContain("\n");
                    for (String w : words) assertThat(e.getMessage()).contains(w);
                });
    }

    static byte[] serialized(Object o) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(b)) {
            out.writeObject(o);
        }
        return b.toByteArray();
    }

    static Map<String, byte[]> entries(Path zip) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) m.put(e.getName(), z.getInputStream(e).readAllBytes());
        }
        return m;
    }

    /** A copy of {@code zip} with {@code name} added or replaced. */
    Path withEntry(Path zip, String name, byte[] content) throws IOException {
        Map<String, byte[]> m = entries(zip);
        m.put(name, content);
        Path out = dir.resolve("planted-" + System.nanoTime() + ".zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(out))) {
            for (var e : m.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out;
    }
}
