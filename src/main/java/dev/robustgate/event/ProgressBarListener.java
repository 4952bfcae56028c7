package dev.robustgate.event;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Console progress bars (me.tongfei progressbar, ASCII style) for the long work only: victim training
 * (always) and attack runs whose expected gradient work reaches a threshold.
 *
 * <ul>
 *   <li>Training: {@link TrainingStarted} opens a bar over {@code epochs * batchesPerEpoch} batches,
 *       {@link TrainingBatch} moves it (loss as extra message), the last {@link TrainingEpoch} or
 *       {@link TrainingFinished} closes it.</li>
 *   <li>Attacks: {@link AttackStarted} opens a bar over {@code samples} when
 *       {@code samples * stepsPerSample * max(1, #eps > 0) >= attackThreshold}; {@link BatchDone}
 *       moves it to {@code done}; it closes when {@code done == total} or on the first
 *       {@link AttackFinished} (every batch is through by then).</li>
 * </ul>
 *
 * <p>Two output modes. <em>Terminal</em>: the library's {@link ConsoleProgressBarConsumer}, one line redrawn
 * in place with {@code \r}. <em>Lines</em> (CI logs, captured streams): every shown state is a complete
 * line ending in {@code \n}, at most one per {@code lineIntervalMillis} plus the first and the final state,
 * so a log holds a handful of readable lines instead of one {@code \r}-joined line. The default constructor
 * picks terminal mode only when the JVM has a console and {@code CI} is unset; the system property
 * {@code robustgate.progress} = {@code terminal|lines|off} overrides that.
 *
 * <p>Never throws: every failure is swallowed and reported once on the stream. Thread-safe.
 */
public final class ProgressBarListener implements EventListener, AutoCloseable {

    /** Default for {@link #ProgressBarListener()}: attacks below this many gradient steps show no bar. */
    public static final long DEFAULT_ATTACK_THRESHOLD = 5_000;
    public static final int DEFAULT_UPDATE_INTERVAL_MILLIS = 1_000;
    public static final long DEFAULT_LINE_INTERVAL_MILLIS = 10_000;
    /** Rendered width in line mode (no terminal to ask). */
    static final int LINE_WIDTH = 110;

    public enum Mode {
        /** Redraw one line in place; for an interactive terminal. */
        TERMINAL,
        /** Print complete, throttled lines; for CI logs and files. */
        LINES,
        /** Show nothing. */
        OFF;

        /** {@code robustgate.progress} if set, else TERMINAL with a console outside CI, else LINES. */
        public static Mode detect() {
            String p = System.getProperty("robustgate.progress", "").trim().toLowerCase(Locale.ROOT);
            switch (p) {
                case "terminal": return TERMINAL;
                case "lines": return LINES;
                case "off": case "none": case "false": return OFF;
                default:
                    String ci = System.getenv("CI");
                    boolean inCi = ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false");
                    return System.console() != null && !inCi ? TERMINAL : LINES;
            }
        }
    }

    private final Supplier<PrintStream> out;
    private final Mode mode;
    private final long attackThreshold;
    private final int updateIntervalMillis;
    private final long lineIntervalMillis;

    private ProgressBar trainingBar;
    private String trainingVictim;
    private int trainingBatchesPerEpoch;
    private ProgressBar attackBar;
    private boolean warned;

    /** System.err (looked up at each bar, so a redirected stream is honoured), detected mode, default threshold. */
    public ProgressBarListener() {
        this(DEFAULT_ATTACK_THRESHOLD);
    }

    public ProgressBarListener(long attackThreshold) {
        this(() -> System.err, Mode.detect(), attackThreshold, DEFAULT_UPDATE_INTERVAL_MILLIS, DEFAULT_LINE_INTERVAL_MILLIS);
    }

    public ProgressBarListener(PrintStream out, Mode mode, long attackThreshold) {
        this(out, mode, attackThreshold, DEFAULT_UPDATE_INTERVAL_MILLIS, DEFAULT_LINE_INTERVAL_MILLIS);
    }

    /**
     * @param updateIntervalMillis how often the library re-renders a bar
     * @param lineIntervalMillis   in {@link Mode#LINES}, the least time between two printed lines
     *                             (the first and final states are always printed); 0 prints every render
     */
    public ProgressBarListener(PrintStream out, Mode mode, long attackThreshold, int updateIntervalMillis,
                               long lineIntervalMillis) {
        this(constant(Objects.requireNonNull(out, "out")), mode, attackThreshold, updateIntervalMillis, lineIntervalMillis);
    }

    private ProgressBarListener(Supplier<PrintStream> out, Mode mode, long attackThreshold, int updateIntervalMillis,
                                long lineIntervalMillis) {
        if (updateIntervalMillis <= 0) throw new IllegalArgumentException("updateIntervalMillis must be > 0");
        if (lineIntervalMillis < 0) throw new IllegalArgumentException("lineIntervalMillis must be >= 0");
        this.out = out;
        this.mode = Objects.requireNonNull(mode, "mode");
        this.attackThreshold = attackThreshold;
        this.updateIntervalMillis = updateIntervalMillis;
        this.lineIntervalMillis = lineIntervalMillis;
    }

    private static Supplier<PrintStream> constant(PrintStream s) {
        return () -> s;
    }

    public Mode mode() {
        return mode;
    }

    public long attackThreshold() {
        return attackThreshold;
    }

    /** Whether a training / attack bar is currently open (for tests). */
    public synchronized boolean trainingBarOpen() {
        return trainingBar != null;
    }

    public synchronized boolean attackBarOpen() {
        return attackBar != null;
    }

    // ---------------------------------------------------------------- training

    @Override
    public synchronized void onTrainingStarted(TrainingStarted e) {
        safely(() -> {
            closeTraining();
            long max = Math.max(0L, (long) e.epochs() * Math.max(0, e.batchesPerEpoch()));
            if (max <= 0) return;
            trainingVictim = e.victim();
            trainingBatchesPerEpoch = Math.max(0, e.batchesPerEpoch());
            trainingBar = open("train " + e.victim(), max, "batches");
        });
    }

    @Override
    public synchronized void onTrainingBatch(TrainingBatch e) {
        safely(() -> {
            if (trainingBar == null || !Objects.equals(trainingVictim, e.victim())) return;
            int perEpoch = e.batchesPerEpoch() > 0 ? e.batchesPerEpoch() : trainingBatchesPerEpoch;
            // epoch and batch are 1-based (VictimTrainer)
            long position = (long) Math.max(0, e.epoch() - 1) * perEpoch + Math.max(0, e.batch());
            trainingBar.setExtraMessage(String.format(Locale.ROOT, " epoch %d loss %.4f", e.epoch(), e.loss()));
            forward(trainingBar, position);
        });
    }

    @Override
    public synchronized void onTrainingEpoch(TrainingEpoch e) {
        safely(() -> {
            if (trainingBar == null || !Objects.equals(trainingVictim, e.victim())) return;
            forward(trainingBar, (long) e.epoch() * trainingBatchesPerEpoch);
            trainingBar.setExtraMessage(String.format(Locale.ROOT, " epoch %d/%d mean loss %.4f%s", e.epoch(), e.epochs(),
                    e.meanLoss(), Double.isNaN(e.accuracy()) ? "" : String.format(Locale.ROOT, " test acc %.4f", e.accuracy())));
            if (e.epoch() >= e.epochs()) closeTraining();
        });
    }

    @Override
    public synchronized void onTrainingFinished(TrainingFinished e) {
        safely(() -> {
            if (trainingBar != null && Objects.equals(trainingVictim, e.victim())) closeTraining();
        });
    }

    // ---------------------------------------------------------------- attacks

    @Override
    public synchronized void onAttackStarted(AttackStarted e) {
        safely(() -> {
            closeAttack();
            if (e.samples() <= 0 || expectedUnits(e) < attackThreshold) return;
            attackBar = open("attack " + e.attack() + " on " + e.victim(), e.samples(), "samples");
        });
    }

    /** Gradient steps an attack run expects: samples x steps per sample x attacked radii (at least 1). */
    static long expectedUnits(AttackStarted e) {
        long radii = 0;
        if (e.eps() != null) {
            for (double eps : e.eps()) if (eps > 0) radii++;
        }
        return (long) Math.max(0, e.samples()) * Math.max(0, e.stepsPerSample()) * Math.max(1, radii);
    }

    @Override
    public synchronized void onBatchDone(BatchDone e) {
        safely(() -> {
            if (attackBar == null) return;
            if (e.total() > 0 && e.total() != attackBar.getMax()) attackBar.maxHint(e.total());
            attackBar.setExtraMessage(" " + e.gradientEvaluations() + " gradients");
            forward(attackBar, e.done());
            if (e.total() > 0 && e.done() >= e.total()) closeAttack();
        });
    }

    @Override
    public synchronized void onAttackFinished(AttackFinished e) {
        safely(this::closeAttack);
    }

    /** Closes any open bar, printing its final state. */
    @Override
    public synchronized void close() {
        safely(() -> {
            closeTraining();
            closeAttack();
        });
    }

    // ---------------------------------------------------------------- plumbing

    private ProgressBar open(String task, long max, String unit) {
        if (mode == Mode.OFF) return null;
        PrintStream stream = out.get();
        ProgressBarConsumer consumer = mode == Mode.TERMINAL
                ? new ConsoleProgressBarConsumer(stream)
                : new LineConsumer(stream, LINE_WIDTH, lineIntervalMillis);
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(updateIntervalMillis)
                .setConsumer(consumer)
                .setUnit(" " + unit, 1)
                .build();
    }

    private static void forward(ProgressBar bar, long position) {
        long target = Math.min(position, bar.getMax() > 0 ? bar.getMax() : position);
        if (target > bar.getCurrent()) bar.stepTo(target);
    }

    private void closeTraining() {
        ProgressBar b = trainingBar;
        trainingBar = null;
        trainingVictim = null;
        if (b != null) b.close();
    }

    private void closeAttack() {
        ProgressBar b = attackBar;
        attackBar = null;
        if (b != null) b.close();
    }

    private void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | LinkageError ex) {
            if (!warned) {
                warned = true;
                try {
                    System.err.println("[robustgate] progress bar disabled for this event after: " + ex);
                } catch (RuntimeException ignored) {
                    // nothing left to report to
                }
            }
        }
    }

    /**
     * Line-oriented consumer for non-terminals: each printed state is a whole line. Renders arrive on the
     * library's timer thread; the final render (on close) always gets printed.
     */
    static final class LineConsumer implements ProgressBarConsumer {
        private final PrintStream out;
        private final int width;
        private final long intervalNanos;
        private String pending;
        private String lastPrinted;
        private long lastPrintNanos;
        private boolean printedAny;
        private boolean closed;

        LineConsumer(PrintStream out, int width, long intervalMillis) {
            this.out = out;
            this.width = width;
            this.intervalNanos = intervalMillis * 1_000_000L;
        }

        @Override
        public int getMaxRenderedLength() {
            return width;
        }

        @Override
        public synchronized void accept(String rendered) {
            if (closed || rendered == null) return;
            String line = rendered.stripTrailing();
            pending = line;
            long now = System.nanoTime();
            if (!printedAny || now - lastPrintNanos >= intervalNanos) print(line, now);
        }

        private void print(String line, long now) {
            if (!line.equals(lastPrinted)) {
                out.println(line);
                out.flush();
            }
            lastPrinted = line;
            lastPrintNanos = now;
            printedAny = true;
            pending = null;
        }

        @Override
        public synchronized void close() {
            if (closed) return;
            closed = true;
            if (pending != null) print(pending, System.nanoTime());
            out.flush();
        }
    }
}
