package dev.robustgate.report;

import dev.robustgate.metric.KnockoffEvaluation;

import java.util.List;

/** Agreement and accuracy of a knockoff against the number of queries, with their 95% intervals. */
public final class KnockoffCurves {
    private KnockoffCurves() {}

    public static byte[] plot(KnockoffEvaluation.Report report, String title) {
        List<KnockoffEvaluation.Point> c = report.curve();
        int n = c.size();
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = c.get(i).queries();
        return CurvePlot.builder(title).xLabel("queries").yLabel("proportion of test images")
                .series(CurvePlot.Series.ofProportions("agreement with victim", x,
                        c.stream().map(KnockoffEvaluation.Point::agreement).toList()))
                .series(CurvePlot.Series.ofProportions("knockoff accuracy", x,
                        c.stream().map(KnockoffEvaluation.Point::accuracy).toList()))
                .threshold(report.victimAccuracy().value(), "victim accuracy")
                .toPng();
    }
}
