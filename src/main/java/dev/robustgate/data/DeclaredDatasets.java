package dev.robustgate.data;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The project's own datasets: declarations in {@code fixtures/datasets/NAME.json}
 * ({@link DatasetDeclaration}), or a path given directly ({@code eval --data PATH}: an image folder,
 * an .npz file or a declaration .json). Paths in declarations are relative to the project directory.
 * Every loaded dataset's {@link Dataset#contentHash()} hashes the bytes it was read from.
 */
public final class DeclaredDatasets {
    public static final String DIRECTORY = "datasets";
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path project;
    private final Path declarations;

    /**
     * @param project      the directory declarations' paths are relative to
     * @param declarations the folder of NAME.json files (usually {@code <project>/fixtures/datasets})
     */
    public DeclaredDatasets(Path project, Path declarations) {
        this.project = project.toAbsolutePath().normalize();
        this.declarations = declarations.toAbsolutePath().normalize();
    }

    /** From {@code robustgate.project.dir} (default: the working directory) and {@code robustgate.fixtures.dir}. */
    public static DeclaredDatasets standard() {
        Path project = Path.of(System.getProperty("robustgate.project.dir", "."));
        String fixtures = System.getProperty("robustgate.fixtures.dir");
        Path dir = fixtures != null ? Path.of(fixtures) : project.resolve("fixtures");
        return new DeclaredDatasets(project, dir.resolve(DIRECTORY));
    }

    public Path directory() {
        return declarations;
    }

    /** Names of the declared datasets. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        if (!Files.isDirectory(declarations)) return names;
        try (Stream<Path> files = Files.list(declarations)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .forEach(n -> names.add(n.substring(0, n.length() - 5)));
        } catch (IOException e) {
            throw new DataUnavailableException("cannot list dataset declarations in " + declarations + ": " + e.getMessage(), e);
        }
        return names;
    }

    /** Whether {@code ref} names a path rather than a dataset: it has a '/' or a data file's extension. */
    public static boolean isPath(String ref) {
        String lower = ref.toLowerCase(Locale.ROOT);
        return ref.contains("/") || ref.contains("\\") || lower.endsWith(".json") || lower.endsWith(".npz")
                || lower.endsWith(".npy") || lower.endsWith(".csv");
    }

    public Optional<DatasetDeclaration> declaration(String name) {
        Path f = declarations.resolve(name + ".json");
        if (isPath(name) || !Files.isRegularFile(f)) return Optional.empty();
        return Optional.of(readDeclaration(f, name));
    }

    static DatasetDeclaration readDeclaration(Path f, String expectedName) {
        try {
            DatasetDeclaration d = JSON.readValue(f.toFile(), DatasetDeclaration.class);
            if (d.name() != null && !d.name().equals(expectedName)) {
                throw new DataFormatException(f, "declares dataset '" + d.name() + "' but the file is named for '" + expectedName + "'");
            }
            return d;
        } catch (IOException e) {
            throw new DataFormatException(f, "not a valid dataset declaration: " + e.getMessage().lines().findFirst().orElse(""), e);
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(f, e.getMessage(), e);
        }
    }

    /** A declared dataset by name, or a path (see the class comment); empty when {@code ref} is neither. */
    public Optional<Dataset> load(String ref, Split split) {
        if (isPath(ref)) return Optional.of(loadPath(ref, split));
        return declaration(ref).map(d -> load(ref, d, split));
    }

    private Dataset loadPath(String ref, Split split) {
        Path p = project.resolve(ref).normalize();
        if (!Files.exists(p)) throw new DataUnavailableException(p + ": no such file or folder (--data " + ref + ")");
        if (ref.toLowerCase(Locale.ROOT).endsWith(".json")) {
            String stem = p.getFileName().toString().replaceFirst("\\.json$", "");
            return load(stem, readDeclaration(p, stem), split);
        }
        if (split != Split.TEST) throw new IllegalArgumentException("--data " + ref + ": a bare path has only a test split");
        return load(ref, DatasetDeclaration.ofPath(ref, Files.isDirectory(p)), split);
    }

    /** Loads {@code d}'s file for {@code split}. */
    public Dataset load(String name, DatasetDeclaration d, Split split) {
        String rel = split == Split.TEST ? d.path() : d.train();
        if (rel == null) {
            throw new IllegalArgumentException("dataset '" + name + "' declares no " + split.name().toLowerCase(Locale.ROOT)
                    + " split (give \"train\" in " + declarations.resolve(name + ".json") + ")");
        }
        Path file = project.resolve(rel).normalize();
        if (!Files.exists(file)) {
            throw new DataUnavailableException(file + ": no such " + (d.format().equals("images") ? "folder" : "file")
                    + " (dataset " + name + ", " + split.name().toLowerCase(Locale.ROOT) + " split)");
        }
        Dataset data = switch (d.format()) {
            case "images" -> ImageFolderReader.read(name, split, file, d);
            case "csv" -> CsvFeatures.read(name, split, file, d);
            case "npz" -> arrays(name, split, file, d, NpyArray.readNpz(file));
            default -> {
                Path labels = project.resolve(d.labels()).normalize();
                yield arrays(name, split, file, d, Map.of("x", NpyArray.read(file), "y", NpyArray.read(labels)));
            }
        };
        if (d.shape() != null && !java.util.Arrays.equals(d.shape(), data.sampleShape())) {
            throw new DataFormatException(file, "samples have shape " + java.util.Arrays.toString(data.sampleShape())
                    + ", the declaration says " + java.util.Arrays.toString(d.shape()));
        }
        return data;
    }

    private static Dataset arrays(String name, Split split, Path file, DatasetDeclaration d, Map<String, NpyArray> entries) {
        String xKey = d.format().equals("npz") && d.x() != null ? d.x() : "x";
        String yKey = d.format().equals("npz") && d.y() != null ? d.y() : "y";
        NpyArray x = entries.get(xKey), y = entries.get(yKey);
        if (x == null || y == null) {
            throw new DataFormatException(file, "no array '" + (x == null ? xKey : yKey) + "' (arrays: " + new TreeSet<>(entries.keySet())
                    + "); name them in the declaration (\"x\", \"y\")");
        }
        long[] s = x.shape();
        if (s.length < 2 || s.length > 4) {
            throw new DataFormatException(file, "x has shape " + java.util.Arrays.toString(s) + "; expected [N, D], [N, H, W] or [N, C, H, W]");
        }
        if (y.shape().length != 1 || y.shape()[0] != s[0]) {
            throw new DataFormatException(file, "y has shape " + java.util.Arrays.toString(y.shape()) + "; expected [" + s[0] + "], one label per sample");
        }
        boolean bytes = x.dtype().endsWith("u1");
        float[] v = new float[x.values().length];
        for (int i = 0; i < v.length; i++) {
            double px = bytes ? x.values()[i] / 255.0 : x.values()[i];
            if (!(px >= 0 && px <= 1)) {
                throw new DataFormatException(file, "x[" + i + "] = " + x.values()[i] + " is outside [0, 1] (store pixels as floats in [0, 1] or as uint8)");
            }
            v[i] = (float) px;
        }
        long[] shape = s.length == 3 ? new long[]{s[0], 1, s[1], s[2]} : s.clone();
        var features = org.nd4j.linalg.factory.Nd4j.create(v, shape, org.nd4j.linalg.api.buffer.DataType.FLOAT);
        if ("NHWC".equalsIgnoreCase(d.layout()) && s.length == 4) {
            features = features.permute(0, 3, 1, 2).dup('c');
        }
        int[] labels = new int[(int) s[0]];
        int max = 0;
        for (int i = 0; i < labels.length; i++) {
            double l = y.values()[i];
            if (l != Math.rint(l) || l < 0) throw new DataFormatException(file, "y[" + i + "] = " + l + " is not a class index >= 0");
            labels[i] = (int) l;
            max = Math.max(max, labels[i]);
        }
        List<String> classes = d.classes();
        if (classes == null) {
            classes = new ArrayList<>();
            for (int k = 0; k <= max; k++) classes.add(String.valueOf(k));
        } else if (max >= classes.size()) {
            throw new DataFormatException(file, "label " + max + " is outside the " + classes.size() + " declared classes");
        }
        String hash;
        try (var in = Files.newInputStream(file)) {
            hash = Sha256.of(Sha256.of(in), String.valueOf(d.layout()), xKey, yKey, d.labels() == null ? "" : d.labels(),
                    String.valueOf(d.classes()));
        } catch (IOException e) {
            throw new DataFormatException(file, "cannot read: " + e.getMessage(), e);
        }
        if (d.labels() != null) {
            hash = Sha256.of(hash, java.util.Arrays.toString(y.values()));
        }
        return new Dataset(name, split, features, labels, classes, hash,
                name + " " + split.name().toLowerCase(Locale.ROOT) + " (" + labels.length + " samples, " + file + ")");
    }

    /** Per feature, the declared [min, max] of a CSV dataset, in the order of its feature columns; empty for other formats. */
    public static double[][] featureRanges(DatasetDeclaration d, List<String> featureColumns) {
        if (!d.format().equals("csv")) return new double[0][];
        double[][] out = new double[featureColumns.size()][];
        for (int j = 0; j < out.length; j++) out[j] = d.ranges().get(featureColumns.get(j));
        return out;
    }
}
