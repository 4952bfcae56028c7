package dev.robustgate.cli;

import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * eval's data defaults to the victim's own dataset: {@code eval --victim mnist-mlp} used to run on
 * Fashion-MNIST, report clean accuracy 0.05 and exit 0.
 */
class EvalDefaultDataTest {
    private static final Pattern CLEAN = Pattern.compile("clean accuracy (\\d\\.\\d{4})");

    @Test
    void aVictimIsEvaluatedOnItsOwnDatasetByDefault() {
        CliRun.Result r = CliRun.run("eval", "--victim", "mnist-mlp", "--attack", "fgsm", "--eps", "0.05", "--limit", "200",
                "--no-masking-checks");

        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out()).as("%s", r).contains(" on mnist test (").doesNotContain("fashion-mnist");
        Matcher m = CLEAN.matcher(r.out());
        assertThat(m.find()).as("%s", r).isTrue();
        assertThat(Double.parseDouble(m.group(1))).as("digits scored as digits").isGreaterThan(0.85);
    }
}
