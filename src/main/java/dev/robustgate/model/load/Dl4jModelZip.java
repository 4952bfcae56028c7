package dev.robustgate.model.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.robustgate.RobustGateException;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.common.primitives.Triple;
import org.nd4j.linalg.api.buffer.BaseDataBuffer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a DL4J model zip (as {@code ModelSerializer.writeModel} writes it) without Java
 * deserialization and without trusting its headers. DL4J's own {@code ModelSerializer.restore*}
 * reads a {@code preprocessor.bin} entry with {@code ObjectInputStream} whatever else the zip says
 * (a planted 5.7 KB entry hung {@code eval}), so user files never reach it: this class checks every
 * entry against an allow-list and caps before anything is decoded, then reads only
 * {@code configuration.json} (Jackson, through DL4J's {@code fromJson}) and {@code coefficients.bin}
 * ({@code Nd4j.read}, after its buffer headers are checked against the entry's real size).
 *
 * <p>Refused, each with one line naming the file and the entry: {@code preprocessor.bin} and
 * {@code objects/...} (Java-serialized objects), {@code normalizer.bin} (a data normaliser that
 * RobustGate would not apply: declare mean/std instead), any other unknown entry, an entry larger
 * than its cap or whose compression ratio exceeds {@link #MAX_RATIO} (a zip bomb), and a truncated
 * or corrupt zip. {@code updaterState.bin} (optimizer state) is allowed and never read.
 */
public final class Dl4jModelZip {
    /** Larger than any model RobustGate attacks on a 2-core CI machine (the LeNet zip is 0.3 MB). */
    public static final long MAX_FILE_BYTES = Long.getLong("robustgate.model.maxBytes", 1L << 30);
    static final long MAX_CONFIG_BYTES = 16L << 20;
    /**
     * Uncompressed : compressed. Float weights deflate by ~1.1x and DL4J's JSON by ~10-30x
     * (measured on our zips: see Dl4jModelZipTest); deflate's ceiling is ~1032x, which a bomb
     * of zeros reaches.
     */
    static final long MAX_RATIO = 200;

    private static final Set<String> READ = Set.of("configuration.json", "coefficients.bin", "noParams.marker");
    private static final Set<String> IGNORED = Set.of("updaterState.bin");

    private Dl4jModelZip() {}

    /** What a checked zip holds: the configuration JSON and the flat parameter vector (null if none). */
    public record Contents(Path file, String configurationJson, INDArray params, boolean isComputationGraph) {}

    /** Checks and reads {@code file}; a hostile, truncated or foreign file is a one-line {@link RobustGateException}. */
    public static Contents read(Path file) {
        if (!Files.isRegularFile(file)) throw new RobustGateException(file + ": no such model file");
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new RobustGateException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (size > MAX_FILE_BYTES) {
            throw new RobustGateException(file + ": " + size + " bytes, more than the " + MAX_FILE_BYTES
                    + "-byte limit for model files (-Drobustgate.model.maxBytes raises it)");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            checkEntries(file, zip);
            String json = new String(entryBytes(file, zip, "configuration.json", MAX_CONFIG_BYTES), StandardCharsets.UTF_8);
            boolean graph = isComputationGraph(file, json);
            INDArray params = zip.getEntry("coefficients.bin") == null ? null
                    : parameters(file, entryBytes(file, zip, "coefficients.bin", MAX_FILE_BYTES));
            return new Contents(file, json, params, graph);
        } catch (ZipException e) {
            throw new RobustGateException(file + ": not a readable zip, truncated or corrupt (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new RobustGateException(file + ": cannot read the zip (" + e.getMessage() + ")", e);
        }
    }

    /** The network {@code file} holds: a {@link MultiLayerNetwork} or a {@link ComputationGraph}, initialised with its parameters. */
    public static Model load(Path file) {
        Contents c = read(file);
        try {
            if (c.isComputationGraph()) {
                ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(c.configurationJson());
                ComputationGraph g = new ComputationGraph(conf);
                init(c, numParams(conf), p -> g.init(p, false), () -> g.init());
                requireFileParameters(c, g.params());
                return g;
            }
            MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(c.configurationJson());
            MultiLayerNetwork n = new MultiLayerNetwork(conf);
            // Counted from the configuration, never n.numParams(): in M2.1 that calls init() on a fresh
            // network, which draws random weights, and the init(params) after it then keeps them. A
            // trained Fashion-MNIST MLP loaded that way scored 0.075 instead of its 0.80.
            init(c, numParams(conf), p -> n.init(p, false), () -> n.init());
            requireFileParameters(c, n.params());
            return n;
        } catch (RobustGateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new RobustGateException(file + ": configuration.json is not a DL4J " + (c.isComputationGraph()
                    ? "ComputationGraph" : "MultiLayerNetwork") + " configuration (" + firstLine(e) + ")", e);
        }
    }

    /** Parameters a MultiLayerNetwork configuration describes, without initialising a network. */
    private static long numParams(MultiLayerConfiguration conf) {
        long n = 0;
        for (var layerConf : conf.getConfs()) {
            n += layerConf.getLayer().initializer().numParams(layerConf);
        }
        return n;
    }

    /**
     * The network runs on the file's parameters, not on fresh random ones: DL4J's init silently
     * keeps whatever an earlier init drew, so this is checked value by value (a 50,890-float compare).
     */
    private static void requireFileParameters(Contents c, INDArray networkParams) {
        if (c.params() == null) return;
        INDArray fromFile = c.params().reshape(-1);
        INDArray inNetwork = networkParams.reshape(-1);
        if (!inNetwork.equals(fromFile.castTo(inNetwork.dataType()))) {
            throw new RobustGateException(c.file() + ": DL4J did not take coefficients.bin as the network's parameters");
        }
    }

    /** Parameters a graph configuration describes (ComputationGraph.numParams needs an initialised graph). */
    private static long numParams(ComputationGraphConfiguration conf) {
        long n = 0;
        for (GraphVertex v : conf.getVertices().values()) {
            if (v instanceof LayerVertex lv) {
                n += lv.getLayerConf().getLayer().initializer().numParams(lv.getLayerConf());
            } else {
                n += v.numParams(false);
            }
        }
        return n;
    }

    private static void init(Contents c, long expected, java.util.function.Consumer<INDArray> withParams, Runnable empty) {
        if (c.params() == null) {
            if (expected != 0) {
                throw new RobustGateException(c.file() + ": no coefficients.bin, but the configuration has " + expected + " parameters");
            }
            empty.run();
            return;
        }
        if (c.params().length() != expected) {
            throw new RobustGateException(c.file() + ": coefficients.bin holds " + c.params().length()
                    + " parameters, but configuration.json describes " + expected);
        }
        withParams.accept(c.params().reshape('c', 1, expected));
    }

    private static void checkEntries(Path file, ZipFile zip) {
        Enumeration<? extends ZipEntry> entries = zip.entries();
        boolean config = false;
        while (entries.hasMoreElements()) {
            ZipEntry e = entries.nextElement();
            String name = e.getName();
            if (name.equals("preprocessor.bin") || name.startsWith("objects/")) {
                throw new RobustGateException(file + ": entry " + name + " holds a Java-serialized object; RobustGate "
                        + "never deserializes Java objects from a model file (re-save the model without it)");
            }
            if (name.equals("normalizer.bin")) {
                throw new RobustGateException(file + ": entry normalizer.bin holds a DL4J data normalizer, which "
                        + "RobustGate does not apply; re-save the model without it and declare --mean/--std instead");
            }
            if (!READ.contains(name) && !IGNORED.contains(name)) {
                throw new RobustGateException(file + ": unexpected entry '" + name + "' (a DL4J model zip holds only "
                        + "configuration.json, coefficients.bin, noParams.marker and updaterState.bin)");
            }
            if (e.getSize() > MAX_FILE_BYTES || (e.getCompressedSize() > 0 && e.getSize() / e.getCompressedSize() > MAX_RATIO)) {
                throw new RobustGateException(file + ": entry " + name + " expands from " + e.getCompressedSize()
                        + " to " + e.getSize() + " bytes (ratio above " + MAX_RATIO + "): refused as a zip bomb");
            }
            config |= name.equals("configuration.json");
        }
        if (!config) throw new RobustGateException(file + ": no configuration.json entry: not a DL4J model zip");
    }

    /** The entry's bytes, read with the cap and the ratio enforced on the real stream, not on its header. */
    private static byte[] entryBytes(Path file, ZipFile zip, String name, long cap) throws IOException {
        ZipEntry e = zip.getEntry(name);
        long compressed = Math.max(e.getCompressedSize(), 1);
        long limit = Math.min(cap, Math.max(compressed * MAX_RATIO, 1L << 16));
        try (InputStream in = zip.getInputStream(e)) {
            byte[] data = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
            if (data.length > limit) {
                throw new RobustGateException(file + ": entry " + name + " expands beyond " + limit
                        + " bytes (compressed " + e.getCompressedSize() + "): refused as a zip bomb");
            }
            return data;
        }
    }

    private static boolean isComputationGraph(Path file, String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new RobustGateException(file + ": configuration.json is not JSON (" + firstLine(e) + ")", e);
        }
        if (root != null && root.has("vertices")) return true;
        if (root != null && root.has("confs")) return false;
        throw new RobustGateException(file + ": configuration.json is neither a MultiLayerNetwork ('confs') nor a "
                + "ComputationGraph ('vertices') configuration");
    }

    /**
     * {@code Nd4j.read} of the flat parameter vector, after checking that both buffer headers (shape
     * information, then data) promise no more bytes than the entry has: a forged length would
     * otherwise allocate whatever it says before failing.
     */
    private static INDArray parameters(Path file, byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            long remaining = bytes.length;
            for (int buffer = 0; buffer < 2; buffer++) {
                Triple<DataBuffer.AllocationMode, Long, DataType> h = BaseDataBuffer.readHeader(in);
                long need = h.getMiddle() * Math.max(h.getRight().width(), 1);
                remaining = in.available();
                if (h.getMiddle() < 0 || need > remaining || (buffer == 0 && h.getMiddle() > 2 * 32 + 4)) {
                    throw new RobustGateException(file + ": entry coefficients.bin is truncated or corrupt (a buffer "
                            + "header promises " + h.getMiddle() + " " + h.getRight() + " values, " + remaining + " bytes remain)");
                }
                in.skipNBytes(need);
            }
            INDArray params = Nd4j.read(new DataInputStream(new ByteArrayInputStream(bytes)));
            if (params.rank() > 2 || (params.rank() == 2 && params.size(0) != 1)) {
                throw new RobustGateException(file + ": entry coefficients.bin is not a parameter vector (shape "
                        + java.util.Arrays.toString(params.shape()) + ")");
            }
            return params;
        } catch (RobustGateException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new RobustGateException(file + ": entry coefficients.bin is truncated or corrupt (" + firstLine(e) + ")", e);
        }
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

}
