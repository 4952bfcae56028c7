package dev.robustgate.data;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;
import java.util.Map;

/**
 * A dataset of the project's own, declared in {@code fixtures/datasets/NAME.json}. Paths are relative
 * to the project directory.
 * <pre>
 * { "name": "acme-test", "format": "images", "path": "data/acme-test", "shape": [3, 32, 32], "resize": true }
 * { "name": "acme-npz",  "format": "npz",    "path": "data/test.npz", "x": "x", "y": "y" }
 * { "name": "credit",    "format": "csv",    "path": "data/credit.csv", "label": "default",
 *   "features": ["age", "income"], "ranges": {"age": [18, 100], "income": [0, 250000]} }
 * </pre>
 *
 * @param format   images (one subfolder per class, PNG/JPEG), npz, npy (with {@code labels}), or csv
 * @param path     the test split: a folder (images), a .npz/.npy file or a .csv file
 * @param train    the train split, in the same format; null when there is none
 * @param shape    images: [C, H, W] with C = 1 (grey) or 3 (RGB); other formats: checked when given
 * @param resize   images: scale every image to H x W instead of refusing another size
 * @param classes  class names, index = label; images: folder names (any other folder is an error);
 *                 default: the sorted folder names (images), or "0".."K-1"
 * @param x        npz: the entry holding the samples (default "x")
 * @param y        npz: the entry holding the labels (default "y")
 * @param labels   npy: the .npy file of labels beside {@code path}
 * @param layout   npz/npy: NCHW (default) or NHWC for [N, H, W, C] arrays
 * @param label    csv: the label column
 * @param features csv: the feature columns, in the model's order (default: every other column)
 * @param ranges   csv: [min, max] per feature, mapping it to [0, 1] (required for every feature)
 */
@JsonIgnoreProperties({"description"})
public record DatasetDeclaration(String name, String format, String path, String train, long[] shape, boolean resize,
                                 List<String> classes, String x, String y, String labels, String layout, String label,
                                 List<String> features, Map<String, double[]> ranges) {

    public static final List<String> FORMATS = List.of("images", "npz", "npy", "csv");

    public DatasetDeclaration {
        if (format == null || !FORMATS.contains(format)) {
            throw new IllegalArgumentException("dataset '" + name + "': format must be one of " + FORMATS + ", got " + format);
        }
        if (path == null || path.isBlank()) throw new IllegalArgumentException("dataset '" + name + "': no \"path\"");
        if (format.equals("images") && shape != null && (shape.length != 3 || (shape[0] != 1 && shape[0] != 3) || shape[1] < 1 || shape[2] < 1)) {
            throw new IllegalArgumentException("dataset '" + name + "': images need \"shape\": [C, H, W] with C = 1 (grey) or 3 (RGB), got "
                    + java.util.Arrays.toString(shape));
        }
        if (format.equals("csv") && (label == null || label.isBlank())) {
            throw new IllegalArgumentException("dataset '" + name + "': csv needs \"label\", the label column");
        }
        if (format.equals("npy") && labels == null) {
            throw new IllegalArgumentException("dataset '" + name + "': npy needs \"labels\", the .npy file of labels");
        }
        classes = classes == null ? null : List.copyOf(classes);
        features = features == null ? null : List.copyOf(features);
    }

    /** The declaration used for a bare path (eval --data PATH): format from the file name, the rest inferred. */
    static DatasetDeclaration ofPath(String path, boolean directory) {
        String lower = path.toLowerCase(java.util.Locale.ROOT);
        String format = directory ? "images" : lower.endsWith(".npz") ? "npz" : lower.endsWith(".csv") ? "csv" : null;
        if (format == null) {
            throw new IllegalArgumentException("--data " + path + ": give an image folder, a .npz file, or a dataset "
                    + "declaration (.json); .npy and .csv need a declaration (labels file; label column and ranges)");
        }
        if (format.equals("csv")) {
            throw new IllegalArgumentException("--data " + path + ": a CSV needs a declaration naming its label column and feature "
                    + "ranges (fixtures/datasets/NAME.json, format csv)");
        }
        return new DatasetDeclaration(path, format, path, null, null, false, null, null, null, null, null, null, null, null);
    }
}
