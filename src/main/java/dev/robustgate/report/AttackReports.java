package dev.robustgate.report;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.EpsResult;
import dev.robustgate.metric.Proportion;
import dev.robustgate.metric.RobustAccuracy;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns an attack result into what a reviewer looks at in Allure: its parameters, an image grid
 * per eps (clean, perturbation, adversarial) and, for a sweep, the accuracy-vs-eps curve.
 * Each result is attached once per test, however many assertions look at it.
 */
public final class AttackReports {
    private static final int GRID_COLUMNS = 8;
    /** Results attached to the current Allure test; reset when the test changes, so nothing is kept longer. */
    private static final Set<AttackResult> ATTACHED = Collections.newSetFromMap(new IdentityHashMap<>());
    private static String attachedFor = "";

    private AttackReports() {}

    public static void attach(AttackResult result) {
        if (!AllureAttachments.isTestRunning() || !firstTimeInThisTest(result)) {
            return;
        }
        AllureAttachments.parameter("victim", result.victim());
        for (Map.Entry<String, String> p : result.parameters().entrySet()) {
            AllureAttachments.parameter(p.getKey(), p.getValue());
        }
        AllureAttachments.parameter("samples", result.data().provenance());
        AllureAttachments.parameter("samples sha256", result.data().contentHash());
        for (EpsResult r : result.perEps()) {
            if (r.eps() > 0 && result.data().sampleShape().length == 3) {
                AllureAttachments.attachPng("adversarial examples, eps=" + (float) r.eps(), grid(result, r));
            }
        }
        if (result.perEps().size() > 1) {
            AllureAttachments.attachPng("robust accuracy vs eps", curve(result));
        }
    }

    private static synchronized boolean firstTimeInThisTest(AttackResult result) {
        String test = io.qameta.allure.Allure.getLifecycle().getCurrentTestCase().orElse("");
        if (!test.equals(attachedFor)) {
            ATTACHED.clear();
            attachedFor = test;
        }
        return ATTACHED.add(result);
    }

    /** The grid of one eps, for [C, H, W] samples: successful attacks first, since those are what a reader wants to see. */
    public static byte[] grid(AttackResult result, EpsResult r) {
        int n = r.size();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n && order.size() < GRID_COLUMNS; i++) if (r.success(i) && r.sample(i).cleanPrediction() == r.sample(i).label()) order.add(i);
        for (int i = 0; i < n && order.size() < GRID_COLUMNS; i++) if (!order.contains(i)) order.add(i);
        long[] shape = result.data().sampleShape();
        int c = (int) shape[0], h = (int) shape[1], w = (int) shape[2];
        INDArray clean = result.data().features().reshape(n, (long) c * h * w);
        INDArray adv = r.adversarial().reshape(n, (long) c * h * w);
        List<String> names = result.data().classNames();
        List<GridColumn> cols = new ArrayList<>();
        for (int i : order) {
            var s = r.sample(i);
            cols.add(new GridColumn(clean.getRow(i, true).toFloatVector(), adv.getRow(i, true).toFloatVector(),
                    names.get(s.label()) + (s.cleanPrediction() != s.label() ? " (model: " + names.get(s.cleanPrediction()) + ")" : ""),
                    names.get(s.adversarialPrediction()), s.success()));
        }
        return ImageGrid.render(r.description() + " on " + result.victim(), cols, h, w, c);
    }

    public static byte[] curve(AttackResult result) {
        List<EpsResult> per = result.perEps();
        double[] x = new double[per.size()];
        List<Proportion> y = new java.util.ArrayList<>(per.size());
        for (int i = 0; i < per.size(); i++) {
            x[i] = per.get(i).eps();
            y.add(RobustAccuracy.of(result, x[i]));
        }
        return CurvePlot.builder("Robust accuracy of " + result.victim() + " under " + result.attack())
                .xLabel("eps (" + result.norm().label() + ")").yLabel("robust accuracy (95% CI)")
                .series(CurvePlot.Series.ofProportions(result.attack(), x, y)).toPng();
    }
}
