package dev.robustgate.report;

import dev.robustgate.metric.KnockoffEvaluation;

import java.util.List;

/** Agreement and accuracy of a knockoff against the number of queries, with their 95% intervals. */
public final class KnockoffCurves {
    private KnockoffCurves() {}

    public static byte[] plot(KnockoffEvaluation.Report report, String title) {
        List<KnockoffEvaluation.Point> c = report.curve();
        int n = c.size();
        double[] x = new double[n], agree = new double[n], aLo = new double[n], aHi = new double[n];
        double[] acc = new double[n], cLo = new double[n], cHi = new double[n];
        for (int i = 0; i < n; i++) {
            KnockoffEvaluation.Point p = c.get(i);
            x[i] = p.queries();
            agree[i] = p.agreement().value();
            aLo[i] = p.agreement().interval().lower();
            aHi[i] = p.agreement().interval().upper();
            acc[i] = p.accuracy().value();
            cLo[i] = p.accuracy().interval().lower();
            cHi[i] = p.accuracy().interval().upper();
        }
        return CurvePlot.builder(title).xLabel("queries").yLabel("proportion of test images")
                .series(new CurvePlot.Series("agreement with victim", x, agree, aLo, aHi))
                .series(new CurvePlot.Series("knockoff accuracy", x, acc, cLo, cHi))
                .threshold(report.victimAccuracy().value(), "victim accuracy")
                .toPng();
    }
}
