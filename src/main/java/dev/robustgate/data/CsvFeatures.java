package dev.robustgate.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A CSV of tabular samples: a header row, a label column and numeric feature columns. Each feature
 * is mapped to [0,1] by its declared [min, max] (attacks and eps live there), and a model gets the
 * original scale back through {@link DeclaredDatasets#inputSpecOf} (InputSpec's mean/std undo the map).
 * Quoted fields follow RFC 4180; a row with another number of fields than the header is an error.
 */
final class CsvFeatures {
    private CsvFeatures() {}

    static Dataset read(String name, Split split, Path file, DatasetDeclaration d) {
        List<String[]> rows = new ArrayList<>();
        MessageDigest md = Sha256.newDigest();
        String[] header;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = in.readLine();
            if (line == null) throw new DataFormatException(file, "empty CSV (expected a header row)");
            header = fields(line, file, 1);
            md.update(line.getBytes(StandardCharsets.UTF_8));
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                md.update((byte) '\n');
                md.update(line.getBytes(StandardCharsets.UTF_8));
                if (line.isBlank()) continue;
                String[] f = fields(line, file, lineNo);
                if (f.length != header.length) {
                    throw new DataFormatException(file, "ragged row: line " + lineNo + " has " + f.length + " fields, the header has "
                            + header.length);
                }
                rows.add(f);
            }
        } catch (IOException e) {
            throw new DataFormatException(file, "cannot read: " + e.getMessage(), e);
        }
        List<String> cols = List.of(header);
        int labelCol = column(cols, d.label(), file);
        List<String> features = d.features() != null ? d.features()
                : cols.stream().filter(c -> !c.equals(d.label())).toList();
        int[] featureCols = features.stream().mapToInt(f -> column(cols, f, file)).toArray();
        double[][] ranges = ranges(features, d.ranges(), file);
        if (rows.isEmpty()) throw new DataFormatException(file, "no data rows below the header");

        List<String> classes = d.classes();
        if (classes == null) {
            TreeSet<Integer> seen = new TreeSet<>();
            for (int r = 0; r < rows.size(); r++) seen.add(intLabel(rows.get(r)[labelCol], file, r + 2, null));
            classes = new ArrayList<>();
            for (int k = 0; k <= seen.last(); k++) classes.add(String.valueOf(k));
        }
        float[] x = new float[rows.size() * features.size()];
        int[] y = new int[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            y[r] = intLabel(row[labelCol], file, r + 2, classes);
            for (int j = 0; j < featureCols.length; j++) {
                String cell = row[featureCols[j]].trim();
                double v;
                try {
                    v = Double.parseDouble(cell);
                } catch (NumberFormatException e) {
                    throw new DataFormatException(file, "line " + (r + 2) + ", column " + features.get(j) + ": '" + cell + "' is not a number");
                }
                double lo = ranges[j][0], hi = ranges[j][1];
                if (!(v >= lo && v <= hi)) {
                    throw new DataFormatException(file, "line " + (r + 2) + ", column " + features.get(j) + ": " + cell
                            + " is outside its declared range [" + lo + ", " + hi + "]");
                }
                x[r * featureCols.length + j] = (float) ((v - lo) / (hi - lo));
            }
        }
        md.update(("|" + d.label() + "|" + features + "|" + rangesText(ranges)).getBytes(StandardCharsets.UTF_8));
        return new Dataset(name, split, Nd4j.create(x, new long[]{rows.size(), features.size()}, DataType.FLOAT), y, classes,
                Sha256.hex(md), name + " " + split.name().toLowerCase(Locale.ROOT) + " (" + rows.size() + " rows, " + file + ")");
    }

    private static String rangesText(double[][] ranges) {
        StringBuilder sb = new StringBuilder();
        for (double[] r : ranges) sb.append(r[0]).append(':').append(r[1]).append(';');
        return sb.toString();
    }

    private static double[][] ranges(List<String> features, Map<String, double[]> declared, Path file) {
        double[][] out = new double[features.size()][];
        List<String> missing = new ArrayList<>();
        for (int j = 0; j < features.size(); j++) {
            double[] r = declared == null ? null : declared.get(features.get(j));
            if (r == null) {
                missing.add(features.get(j));
                continue;
            }
            if (r.length != 2 || !Double.isFinite(r[0]) || !Double.isFinite(r[1]) || !(r[0] < r[1])) {
                throw new DataFormatException(file, "feature " + features.get(j) + ": range must be [min, max] with min < max, got "
                        + java.util.Arrays.toString(r));
            }
            out[j] = r;
        }
        if (!missing.isEmpty()) {
            throw new DataFormatException(file, "no declared range for feature(s) " + missing
                    + ": give \"ranges\": {\"" + missing.get(0) + "\": [min, max], ...} (the map to [0, 1] for attacks)");
        }
        return out;
    }

    private static int column(List<String> header, String name, Path file) {
        int i = header.indexOf(name);
        if (i < 0) throw new DataFormatException(file, "no column '" + name + "' in the header " + header);
        return i;
    }

    private static int intLabel(String cell, Path file, int line, List<String> classes) {
        String t = cell.trim();
        if (classes != null && classes.contains(t)) return classes.indexOf(t);
        try {
            int k = Integer.parseInt(t);
            if (k < 0 || (classes != null && k >= classes.size())) {
                throw new DataFormatException(file, "line " + line + ": label " + k + " is outside [0, "
                        + (classes == null ? "..." : classes.size() - 1) + "]");
            }
            return k;
        } catch (NumberFormatException e) {
            throw new DataFormatException(file, "line " + line + ": label '" + t + "' is neither a class index nor a declared class name"
                    + (classes == null ? "" : " " + classes));
        }
    }

    /** RFC 4180 fields of one line: commas split, double quotes quote, "" is a quote. */
    static String[] fields(String line, Path file, int lineNo) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) throw new DataFormatException(file, "line " + lineNo + ": unterminated quoted field");
        out.add(cur.toString());
        return out.toArray(new String[0]);
    }
}
