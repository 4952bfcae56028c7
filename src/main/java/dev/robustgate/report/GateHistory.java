package dev.robustgate.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.robustgate.metric.Proportion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The measured value of every baseline gate, run after run, so that a report shows robust
 * accuracy over builds and not only the pass/fail counts of Allure's trend. Kept as JSON lines in
 * {@code allure-results/history/robustgate-gates.jsonl}: history/ is what Allure and RobustGate
 * carry from one run to the next. Each check attaches the gate's curve over the last
 * {@value #SHOWN} runs to its Allure result.
 */
public final class GateHistory {
    public static final String FILE = "robustgate-gates.jsonl";
    static final int SHOWN = 30;
    /** One id per JVM run: every gate checked in this process belongs to the same build. */
    private static final String RUN = Instant.now().toString();
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Point(String gate, String run, double value, double lower, double upper, long samples) {}

    private final Path file;

    public GateHistory(Path resultsDirectory) {
        this.file = resultsDirectory.resolve("history").resolve(FILE);
    }

    public static GateHistory standard() {
        return new GateHistory(ReportWiring.resultsDirectory());
    }

    /** Appends this run's value of {@code gate} (replacing nothing: a gate checked twice in a run shows twice). */
    public void record(String gate, Proportion p) {
        try {
            Files.createDirectories(file.getParent());
            byte[] line = (JSON.writeValueAsString(new Point(gate, RUN, p.value(), p.interval().lower(), p.interval().upper(),
                    p.trials())) + "\n").getBytes(StandardCharsets.UTF_8);
            Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            // The trend is a report, never a reason to fail a gate.
            System.err.println("[robustgate] could not record gate history in " + file + ": " + e);
        }
    }

    /** The last {@value #SHOWN} recorded values of {@code gate}, oldest first; unreadable lines are skipped. */
    public List<Point> of(String gate) {
        List<Point> all = new ArrayList<>();
        if (!Files.exists(file)) return all;
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                try {
                    Point p = JSON.readValue(line, Point.class);
                    if (gate.equals(p.gate())) all.add(p);
                } catch (IOException ignored) {
                    // a line cut short by a crash: the other runs still show
                }
            }
        } catch (IOException e) {
            System.err.println("[robustgate] could not read gate history " + file + ": " + e);
        }
        return all.subList(Math.max(0, all.size() - SHOWN), all.size());
    }

    /** Records the value and attaches the gate's curve over runs to the running Allure test. */
    public void recordAndAttach(String gate, Proportion p) {
        record(gate, p);
        List<Point> points = of(gate);
        int n = points.size();
        double[] x = new double[n], y = new double[n], lo = new double[n], hi = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
            y[i] = points.get(i).value();
            lo[i] = Math.min(points.get(i).lower(), y[i]);
            hi[i] = Math.max(points.get(i).upper(), y[i]);
        }
        AllureAttachments.attachPng("trend of " + gate + " over runs",
                CurvePlot.builder(p.metric() + " of " + p.subject() + ", last " + n + " runs")
                        .xLabel("run").yLabel(p.metric())
                        .series(new CurvePlot.Series(gate, x, y, lo, hi)).toPng());
    }
}
