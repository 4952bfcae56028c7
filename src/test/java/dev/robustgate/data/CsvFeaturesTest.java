package dev.robustgate.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** CsvFeatures on small files: the map to [0, 1], labels by index or name, RFC 4180 fields, every refusal. */
class CsvFeaturesTest {
    @TempDir
    Path dir;

    private Path csv(String text) throws IOException {
        Path f = dir.resolve("t.csv");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    private static DatasetDeclaration decl(List<String> classes, List<String> features, Map<String, double[]> ranges) {
        return new DatasetDeclaration("t", "csv", "t.csv", null, null, false, classes, null, null, null, null, "y", features, ranges);
    }

    private static final Map<String, double[]> RANGES = Map.of("a", new double[]{0, 10}, "b", new double[]{-1, 1});

    @Test
    void featuresAreMappedToTheUnitIntervalByTheirRanges() throws IOException {
        Path f = csv("a,y,b\n0,1,1\n10,0,-1\n2.5,2,0\n");
        Dataset d = CsvFeatures.read("t", Split.TEST, f, decl(null, null, RANGES));
        float[][] x = d.features().toFloatMatrix();
        assertThat(x[0]).containsExactly(0f, 1f);
        assertThat(x[1]).containsExactly(1f, 0f);
        assertThat(x[2][0]).isCloseTo(0.25f, within(1e-6f));
        assertThat(x[2][1]).isCloseTo(0.5f, within(1e-6f));
        assertThat(d.labels()).containsExactly(1, 0, 2);
        assertThat(d.classNames()).containsExactly("0", "1", "2");
        assertThat(d.name()).isEqualTo("t");
        assertThat(d.split()).isEqualTo(Split.TEST);
        assertThat(d.provenance()).isEqualTo("t test (3 rows, " + f + ")");
        assertThat(d.contentHash()).hasSize(64);
    }

    @Test
    void declaredFeaturesChooseAndOrderTheColumns() throws IOException {
        Path f = csv("a,y,b\n0,1,1\n10,0,-1\n");
        Dataset d = CsvFeatures.read("t", Split.TRAIN, f, decl(null, List.of("b"), RANGES));
        assertThat(d.features().shape()).containsExactly(2, 1);
        assertThat(d.features().toFloatMatrix()[1]).containsExactly(0f);
        assertThat(d.provenance()).startsWith("t train (2 rows");
    }

    @Test
    void theHashNamesContentLabelFeaturesAndRanges() throws IOException {
        Path f = csv("a,y,b\n0,1,1\n10,0,-1\n");
        String h = CsvFeatures.read("t", Split.TEST, f, decl(null, null, RANGES)).contentHash();
        assertThat(CsvFeatures.read("t", Split.TEST, f, decl(null, null, RANGES)).contentHash()).isEqualTo(h);
        assertThat(CsvFeatures.read("t", Split.TEST, f, decl(null, List.of("b", "a"), RANGES)).contentHash()).isNotEqualTo(h);
        assertThat(CsvFeatures.read("t", Split.TEST, f, decl(null, null,
                Map.of("a", new double[]{0, 20}, "b", new double[]{-1, 1}))).contentHash()).isNotEqualTo(h);
        assertThat(CsvFeatures.read("t", Split.TEST, csv("a,y,b\n0,1,1\n10,0,-0.5\n"), decl(null, null, RANGES)).contentHash())
                .isNotEqualTo(h);
        // Line boundaries count: the same characters split into other lines are other content.
        assertThat(CsvFeatures.read("t", Split.TEST, csv("a,y,b\n0,1,1\n\n10,0,-1\n"), decl(null, null, RANGES)).contentHash())
                .isNotEqualTo(h);
    }

    @Test
    void labelsByIndexOrByDeclaredName() throws IOException {
        Path f = csv("a,y,b\n0,cat,1\n10, dog ,-1\n5,1,0\n");
        Dataset d = CsvFeatures.read("t", Split.TEST, f, decl(List.of("cat", "dog", "eel"), null, RANGES));
        assertThat(d.labels()).containsExactly(0, 1, 1);
        assertThat(d.classNames()).containsExactly("cat", "dog", "eel");
        assertThatThrownBy(() -> CsvFeatures.read("t", Split.TEST, csv("a,y,b\n0,3,1\n"), decl(List.of("cat", "dog", "eel"), null, RANGES)))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("line 2: label 3 is outside [0, 2]");
        assertThatThrownBy(() -> CsvFeatures.read("t", Split.TEST, csv("a,y,b\n0,-1,1\n"), decl(null, null, RANGES)))
                .hasMessageContaining("line 2: label -1 is outside [0, ...]");
        assertThatThrownBy(() -> CsvFeatures.read("t", Split.TEST, csv("a,y,b\n0,1,1\n0,ant,1\n"), decl(List.of("cat", "dog"), null, RANGES)))
                .hasMessageContaining("line 3: label 'ant' is neither a class index nor a declared class name [cat, dog]");
        assertThatThrownBy(() -> CsvFeatures.read("t", Split.TEST, csv("a,y,b\n0,ant,1\n"), decl(null, null, RANGES)))
                .hasMessageContaining("label 'ant' is neither a class index nor a declared class name").hasMessageNotContaining("[");
        // Without declared classes, K is the largest label + 1; blank lines are skipped.
        Dataset inferred = CsvFeatures.read("t", Split.TEST, csv("a,y,b\n0,4,1\n\n1,0,1\n"), decl(null, null, RANGES));
        assertThat(inferred.numClasses()).isEqualTo(5);
        assertThat(inferred.size()).isEqualTo(2);
    }

    @Test
    void cellsOutsideTheirRangeOrNotNumbersAreRefused() throws IOException {
        assertThatThrownBy(() -> CsvFeatures.read("t", Split.TEST, csv("a,y,b\n0,1,1\n11,0,0\n"), decl(null, null, RANGES)))
                .hasMessageContaining("line 3, column a: 11 is outside its declared range [0.0, 10.0]");
        assertThatThrownBy(() -> CsvFeatures.read("t", Split.TEST, csv("a,y,b\n0,1,-1.5\n"), decl(null, null, RANGES)))
                .hasMessageContaining("column b: -1.5 is outside");
        assertThatThrownBy(() -> CsvFeatures.read("t", Split.TEST, csv("a,y,b\nNaN,1,0\n"), decl(null, null, RANGES)))
                .hasMessageContaining("NaN is outside");
        assertThatThrownBy(() -> CsvFeatures.read("t", Split.TEST, csv("a,y,b\nx,1,0\n"), decl(null, null, RANGES)))
                .hasMessageContaining("line 2, column a: 'x' is not a number");
    }

    @Test
    void structuralProblemsAreRefused() throws IOException {
        assertThatThrownBy(() -> CsvFeatures.read("t", Split.TEST, csv(""), decl(null, null, RANGES)))
                .hasMessageContaining("empty CSV (expected a header row)");
        assertThatThrownBy(() -> CsvFeatures.read("t", Split.TEST, csv("a,y,b\n"), decl(null, null, RANGES)))
                .hasMessageContaining("no data rows below the header");
        assertThatThrownBy(() -> CsvFeatures.read("t", Split.TEST, csv("a,y,b\n0,1,1\n0,1\n"), decl(null, null, RANGES)))
                .hasMessageContaining("ragged row: line 3 has 2 fields, the header has 3");
        assertThatThrownBy(() -> CsvFeatures.read("t", Split.TEST, csv("a,z,b\n0,1,1\n"), decl(null, null, RANGES)))
                .hasMessageContaining("no column 'y' in the header [a, z, b]");
        assertThatThrownBy(() -> CsvFeatures.read("t", Split.TEST, csv("a,y,b\n0,1,1\n"), decl(null, List.of("c"), RANGES)))
                .hasMessageContaining("no column 'c'");
        assertThatThrownBy(() -> CsvFeatures.read("t", Split.TEST, dir.resolve("missing.csv"), decl(null, null, RANGES)))
                .hasMessageContaining("cannot read");
    }

    @Test
    void everyFeatureNeedsAValidRange() throws IOException {
        Path f = csv("a,y,b\n0,1,1\n");
        assertThatThrownBy(() -> CsvFeatures.read("t", Split.TEST, f, decl(null, null, Map.of("a", new double[]{0, 10}))))
                .hasMessageContaining("no declared range for feature(s) [b]: give \"ranges\": {\"b\": [min, max], ...}");
        assertThatThrownBy(() -> CsvFeatures.read("t", Split.TEST, f, decl(null, null, null)))
                .hasMessageContaining("no declared range for feature(s) [a, b]");
        for (double[] bad : new double[][]{{1, 1}, {2, 1}, {0}, {0, 1, 2}, {Double.NaN, 1}, {0, Double.POSITIVE_INFINITY},
                {Double.NEGATIVE_INFINITY, 0}}) {
            assertThatThrownBy(() -> CsvFeatures.read("t", Split.TEST, f, decl(null, null, Map.of("a", bad, "b", new double[]{-1, 1}))))
                    .as(java.util.Arrays.toString(bad))
                    .hasMessageContaining("feature a: range must be [min, max] with min < max, got " + java.util.Arrays.toString(bad));
        }
    }

    @Test
    void fieldsFollowRfc4180() {
        Path f = Path.of("x.csv");
        assertThat(CsvFeatures.fields("a,b,,c", f, 1)).containsExactly("a", "b", "", "c");
        assertThat(CsvFeatures.fields("\"x,y\",\"he said \"\"hi\"\"\",z", f, 1)).containsExactly("x,y", "he said \"hi\"", "z");
        assertThat(CsvFeatures.fields("\"\"", f, 1)).containsExactly("");
        assertThat(CsvFeatures.fields("\"a\"\"\"", f, 1)).containsExactly("a\"");
        assertThat(CsvFeatures.fields(",", f, 1)).containsExactly("", "");
        assertThat(CsvFeatures.fields("", f, 1)).containsExactly("");
        assertThatThrownBy(() -> CsvFeatures.fields("a,\"b", f, 7)).hasMessageContaining("line 7: unterminated quoted field");
        assertThatThrownBy(() -> CsvFeatures.fields("\"a\"\"", f, 2)).hasMessageContaining("unterminated");
    }
}
