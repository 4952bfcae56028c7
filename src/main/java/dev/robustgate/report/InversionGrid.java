package dev.robustgate.report;

import dev.robustgate.data.Dataset;
import dev.robustgate.metric.InversionQuality;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Per-class image grid of a model inversion: each column shows a class's mean training image
 * above its reconstruction, captioned with the victim's confidence; green when the
 * reconstruction is nearest its own class mean, red when nearest another's (then named).
 * Drawn by {@link ImageGrid}, whose rows read clean / perturbation / adversarial: here class mean /
 * difference / reconstruction, and its "fooled" count is the number of misses.
 */
public final class InversionGrid {
    private InversionGrid() {}

    public static byte[] render(String title, INDArray reconstructions, InversionQuality quality, Dataset train) {
        INDArray means = InversionQuality.classMeans(train);
        int k = quality.confidence().length;
        long[] shape = train.sampleShape();
        List<GridColumn> columns = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            float[] mean = means.getRow(c, true).toFloatVector();
            float[] rec = reconstructions.reshape(k, mean.length).getRow(c, true).toFloatVector();
            String cls = train.classNames().get(c);
            int nearest = quality.nearestMean()[c];
            String caption = String.format(Locale.ROOT, "%s %.2f%s", cls, quality.confidence()[c],
                    nearest == c ? "" : " ~" + train.classNames().get(nearest));
            // ImageGrid marks "success" in red and counts it as fooled: here that is a reconstruction
            // nearer another class's mean, a miss of the inversion.
            columns.add(new GridColumn(mean, rec, "mean " + cls, caption, nearest != c));
        }
        return ImageGrid.render(title, columns, (int) shape[1], (int) shape[2], (int) shape[0]);
    }
}
