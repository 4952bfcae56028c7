package dev.robustgate.event;

import dev.robustgate.event.ProgressBarListener.Mode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class ProgressBarListenerTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private ProgressBarListener lines(long threshold) {
        return new ProgressBarListener(out, Mode.LINES, threshold, 20, 0);
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private List<String> outputLines() {
        return Arrays.stream(output().split("\n")).filter(s -> !s.isBlank()).collect(Collectors.toList());
    }

    @Test
    void trainingBarRunsOverEpochsTimesBatchesAndEndsWithAFinalLine() {
        ProgressBarListener p = lines(5_000);
        p.onTrainingStarted(new TrainingStarted("mlp", 2, 5, 320));
        assertThat(p.trainingBarOpen()).isTrue();
        for (int epoch = 1; epoch <= 2; epoch++) {
            for (int b = 1; b <= 5; b++) p.onTrainingBatch(new TrainingBatch("mlp", epoch, b, 5, 1.0 / (epoch * b)));
            p.onTrainingEpoch(new TrainingEpoch("mlp", epoch, 2, 0.25, Double.NaN, 0.1));
        }
        assertThat(p.trainingBarOpen()).isFalse(); // the last epoch closed it
        p.onTrainingFinished(new TrainingFinished("mlp", 0.9, 1.0));

        String text = output();
        System.out.println("captured LINES output:\n" + text);
        assertThat(text).doesNotContain("\r").endsWith("\n");
        List<String> lines = outputLines();
        assertThat(lines).isNotEmpty().allMatch(l -> l.startsWith("train mlp"));
        assertThat(lines.get(lines.size() - 1)).contains("100%").contains("10/10").contains("epoch 2/2");
        assertThat(lines.get(0)).contains("0%");
    }

    @Test
    void attackBarFollowsBatchDoneAndClosesWhenAllSamplesAreThrough() {
        ProgressBarListener p = lines(5_000);
        p.onAttackStarted(new AttackStarted("pgd", "mlp", new double[] {0.0, 0.1, 0.3}, 200, 40));
        assertThat(p.attackBarOpen()).isTrue();
        for (int done = 50; done <= 200; done += 50) p.onBatchDone(new BatchDone("pgd", done, 200, done * 80L, 0.2));
        assertThat(p.attackBarOpen()).isFalse();
        p.onAttackFinished(new AttackFinished("pgd(eps=0.1)", "mlp", 0.1, 200, 50, 8000, 0, 1));
        p.onAttackFinished(new AttackFinished("pgd(eps=0.3)", "mlp", 0.3, 200, 10, 8000, 0, 1));

        List<String> lines = outputLines();
        System.out.println("captured attack output:\n" + output());
        assertThat(lines).allMatch(l -> l.startsWith("attack pgd on mlp"));
        assertThat(lines.get(lines.size() - 1)).contains("100%").contains("200/200").contains("16000 gradients");
    }

    @Test
    void smallAttacksShowNoBar() {
        ProgressBarListener p = lines(5_000);
        // 100 samples x 10 steps x 2 radii = 2000 < 5000
        p.onAttackStarted(new AttackStarted("pgd", "tiny", new double[] {0.0, 0.1, 0.2}, 100, 10));
        assertThat(p.attackBarOpen()).isFalse();
        p.onBatchDone(new BatchDone("pgd", 100, 100, 2000, 0.1));
        p.onAttackFinished(new AttackFinished("pgd", "tiny", 0.1, 100, 1, 1000, 0, 0.1));
        assertThat(output()).isEmpty();
        assertThat(ProgressBarListener.expectedUnits(new AttackStarted("fgsm", "v", new double[0], 7, 3))).isEqualTo(21);
    }

    @Test
    void survivesOutOfOrderDuplicateAndOverlappingEvents() {
        ProgressBarListener p = lines(1);
        assertThatCode(() -> {
            // progress before any start, finishes without a bar
            p.onTrainingBatch(new TrainingBatch("ghost", 1, 1, 3, 0.5));
            p.onTrainingEpoch(new TrainingEpoch("ghost", 1, 1, 0.5, Double.NaN, 0.1));
            p.onTrainingFinished(new TrainingFinished("ghost", 0.5, 1));
            p.onBatchDone(new BatchDone("pgd", 5, 10, 1, 0.1));
            p.onAttackFinished(new AttackFinished("pgd", "v", 0.1, 10, 1, 1, 0, 0.1));

            // a new start before the old one finished closes the old bar at its state
            p.onAttackStarted(new AttackStarted("pgd", "first", new double[] {0.1}, 10, 5));
            p.onBatchDone(new BatchDone("pgd", 4, 10, 20, 0.1));
            p.onAttackStarted(new AttackStarted("pgd", "second", new double[] {0.1}, 10, 5));
            // duplicates and going backwards
            p.onBatchDone(new BatchDone("pgd", 6, 10, 30, 0.1));
            p.onBatchDone(new BatchDone("pgd", 6, 10, 30, 0.1));
            p.onBatchDone(new BatchDone("pgd", 3, 10, 30, 0.1));
            // more than announced, total changes, done beyond total
            p.onBatchDone(new BatchDone("pgd", 25, 20, 30, 0.1));
            p.onBatchDone(new BatchDone("pgd", 25, 20, 30, 0.1));
            p.onAttackFinished(new AttackFinished("pgd", "second", 0.1, 10, 1, 1, 0, 0.1));
            p.onAttackFinished(new AttackFinished("pgd", "second", 0.1, 10, 1, 1, 0, 0.1));

            // odd shapes
            p.onAttackStarted(new AttackStarted("pgd", "null-eps", null, 10, 5));
            p.onAttackStarted(new AttackStarted("pgd", "empty", new double[0], 0, 0));
            p.onTrainingStarted(new TrainingStarted("a", 0, 0, 0));
            p.onTrainingBatch(new TrainingBatch("a", 1, 1, 0, Double.NaN));
            p.onTrainingStarted(new TrainingStarted("b", 1, 4, 10));
            p.onTrainingBatch(new TrainingBatch("b", 1, 2, 4, Double.POSITIVE_INFINITY));
            p.onTrainingBatch(new TrainingBatch("other-victim", 1, 4, 4, 0.1));
            p.onTrainingStarted(new TrainingStarted("c", 2, 2, 10));
            p.onTrainingEpoch(new TrainingEpoch("c", 5, 2, 0.1, 0.2, 0.1));
            p.onTrainingEpoch(new TrainingEpoch("c", 5, 2, 0.1, 0.2, 0.1));
            p.close();
            p.close();
        }).doesNotThrowAnyException();
        assertThat(p.attackBarOpen()).isFalse();
        assertThat(p.trainingBarOpen()).isFalse();

        String text = output();
        System.out.println("captured out-of-order output:\n" + text);
        assertThat(text).contains("attack pgd on first").contains(" 4/10");
        assertThat(text).contains("attack pgd on second").contains("20/20");
        assertThat(text).contains("train b").contains("2/4");
        assertThat(text).doesNotContain("other-victim");
    }

    @Test
    void aBrokenStreamNeverReachesThePublisher() {
        PrintStream broken = new PrintStream(new OutputStream() {
            @Override public void write(int b) { throw new IllegalStateException("disk gone"); }
        });
        ProgressBarListener p = new ProgressBarListener(broken, Mode.LINES, 1, 20, 0);
        assertThatCode(() -> {
            SampleEvents.all().forEach(e -> e.deliverTo(p));
            p.close();
        }).doesNotThrowAnyException();
    }

    @Test
    void offModePrintsNothing() {
        ProgressBarListener p = new ProgressBarListener(out, Mode.OFF, 1);
        SampleEvents.all().forEach(e -> e.deliverTo(p));
        p.onTrainingStarted(new TrainingStarted("mlp", 1, 2, 3));
        p.onTrainingBatch(new TrainingBatch("mlp", 1, 2, 2, 0.1));
        p.close();
        assertThat(output()).isEmpty();
    }

    @Test
    void lineModeThrottlesButAlwaysPrintsTheFirstAndFinalState() throws Exception {
        ProgressBarListener p = new ProgressBarListener(out, Mode.LINES, 1, 10, 60_000);
        p.onAttackStarted(new AttackStarted("pgd", "mlp", new double[] {0.1}, 1000, 40));
        for (int done = 10; done <= 1000; done += 10) {
            p.onBatchDone(new BatchDone("pgd", done, 1000, done, 0.01));
            if (done % 200 == 0) Thread.sleep(25); // let the library render in between
        }
        List<String> lines = outputLines();
        System.out.println("captured throttled output:\n" + output());
        assertThat(lines).hasSizeBetween(1, 2);
        assertThat(lines.get(lines.size() - 1)).contains("100%").contains("1000/1000");
    }

    @Test
    void terminalModeRedrawsInPlaceWithCarriageReturns() {
        ProgressBarListener p = new ProgressBarListener(out, Mode.TERMINAL, 1, 20, 0);
        p.onTrainingStarted(new TrainingStarted("mlp", 1, 4, 10));
        for (int b = 1; b <= 4; b++) p.onTrainingBatch(new TrainingBatch("mlp", 1, b, 4, 0.5));
        p.onTrainingEpoch(new TrainingEpoch("mlp", 1, 1, 0.5, Double.NaN, 0.1));
        String text = output();
        System.out.println("captured TERMINAL output (\\r shown as <CR>):\n" + text.replace("\r", "<CR>"));
        // The final newline comes from the library's consumer when its render thread stops, which
        // is not ordered with this thread; the redraw-in-place behaviour is what this test is about.
        assertThat(text).startsWith("\r").contains("4/4");
    }
}
