package dev.robustgate.extraction;

import dev.robustgate.TestSeam;
import dev.robustgate.model.Classifier;
import dev.robustgate.model.SoftmaxRegression;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Equation-solving extraction (Tramer et al., USENIX Security 2016) of a softmax / logistic
 * regression behind a prediction API that returns probabilities.
 *
 * <p>For p = softmax(x W + b), every answer gives K-1 linear equations in the unknown parameters:
 * log(p_k / p_0) = (w_k - w_0).x + (b_k - b_0). With d+1 queries in general position each class's
 * d+1 unknowns are determined exactly (binary logistic regression: d+1 queries for w and b).
 * Softmax is unchanged by adding the same vector to every class, so the model is recovered in the
 * form with class 0's weights at zero, which predicts exactly the same probabilities.
 *
 * <p>Queries are uniform in [0, scale]^d: small enough that the victim's probabilities do not
 * saturate to 0 or 1, where the logarithm loses every digit. An answer whose p_k or p_0 is 0 (as
 * rounding produces) gives no equation for class k and is dropped; with fewer equations than
 * unknowns the minimum-norm least-squares solution is taken, with more, the least-squares one.
 */
public final class EquationSolvingExtraction {
    private final int queries;
    private final double scale;
    private final long seed;

    /** The copy, and what it cost. */
    public record Result(SoftmaxRegression model, long queries, int equations, int droppedEquations) {}

    /**
     * @param queries number of queries; 0 for the minimum, d+1
     * @param scale   queries are uniform in [0, scale] per feature; in (0, 1]
     */
    public EquationSolvingExtraction(int queries, double scale, long seed) {
        if (queries < 0) throw new IllegalArgumentException("queries must be >= 0 (0 = d+1), got " + queries);
        if (!(scale > 0 && scale <= 1)) throw new IllegalArgumentException("query scale must be in (0, 1], got " + scale);
        this.queries = queries;
        this.scale = scale;
        this.seed = seed;
    }

    /** d+1 queries, uniform in [0, 0.1]. */
    public static EquationSolvingExtraction minimal(long seed) {
        return new EquationSolvingExtraction(0, 0.1, seed);
    }

    public Result run(Classifier api) {
        long[] shape = api.sampleShape();
        int d = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        int k = api.numClasses();
        int m = queries == 0 ? d + 1 : queries;
        // float32 queries: what goes over the wire is exactly what the equations use.
        float[] x = new float[m * d];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextDouble() * scale);
        long[] full = new long[shape.length + 1];
        full[0] = m;
        System.arraycopy(shape, 0, full, 1, shape.length);
        double[][] p = api.probabilities(Nd4j.create(x, full, 'c')).castTo(DataType.DOUBLE).toDoubleMatrix();
        if (p.length != m || p[0].length != k) {
            throw new IllegalStateException("the API answered " + p.length + "x" + p[0].length + " for " + m + "x" + k);
        }
        TestSeam.Substitute broken = TheftSubstitution.mode();   // a test seam: NONE unless its system property is set
        if (broken == TestSeam.Substitute.NOOP) {
            // The answers ignored: the copy is the all-zero model the solve starts from; every equation unused.
            return new Result(new SoftmaxRegression(api.name() + "-extracted", shape, Nd4j.zeros(DataType.DOUBLE, d, k),
                    Nd4j.zeros(DataType.DOUBLE, k)), m, 0, m * (k - 1));
        }
        if (broken == TestSeam.Substitute.NOISE) p = TheftSubstitution.randomProbabilities(m, k, seed);

        INDArray w = Nd4j.zeros(DataType.DOUBLE, d, k);
        double[] b = new double[k];
        int equations = 0, dropped = 0;
        DecompositionSolver allRows = null;
        for (int c = 1; c < k; c++) {
            List<Integer> usable = new ArrayList<>();
            for (int i = 0; i < m; i++) {
                if (p[i][c] > 0 && p[i][0] > 0) usable.add(i); else dropped++;
            }
            equations += usable.size();
            if (usable.isEmpty()) continue; // nothing known about this class: it stays at class 0's parameters
            RealVector rhs = new ArrayRealVector(usable.size());
            for (int r = 0; r < usable.size(); r++) {
                int i = usable.get(r);
                rhs.setEntry(r, Math.log(p[i][c]) - Math.log(p[i][0]));
            }
            DecompositionSolver solver;
            if (usable.size() == m) {
                if (allRows == null) allRows = solverFor(design(x, d, usable), d + 1);
                solver = allRows;
            } else {
                solver = solverFor(design(x, d, usable), d + 1);
            }
            RealVector theta = solver.solve(rhs);
            for (int j = 0; j < d; j++) w.putScalar(j, c, theta.getEntry(j));
            b[c] = theta.getEntry(d);
        }
        SoftmaxRegression copy = new SoftmaxRegression(api.name() + "-extracted", shape, w, Nd4j.createFromArray(b));
        return new Result(copy, m, equations, dropped);
    }

    /** Rows [x_i, 1] of the usable queries. */
    private static RealMatrix design(float[] x, int d, List<Integer> rows) {
        double[][] a = new double[rows.size()][d + 1];
        for (int r = 0; r < rows.size(); r++) {
            int i = rows.get(r);
            for (int j = 0; j < d; j++) a[r][j] = x[i * d + j];
            a[r][d] = 1.0;
        }
        return new Array2DRowRealMatrix(a, false);
    }

    private static DecompositionSolver solverFor(RealMatrix a, int unknowns) {
        if (a.getRowDimension() == unknowns) {
            DecompositionSolver lu = new LUDecomposition(a).getSolver();
            if (lu.isNonSingular()) return lu;
        } else if (a.getRowDimension() > unknowns) {
            DecompositionSolver qr = new QRDecomposition(a).getSolver();
            if (qr.isNonSingular()) return qr;
        }
        return new SingularValueDecomposition(a).getSolver();
    }

    /**
     * The largest absolute difference between two softmax regressions' parameters, each taken in the
     * form with class 0 at zero (the form extraction recovers).
     */
    public static double maxParameterError(SoftmaxRegression a, SoftmaxRegression b) {
        INDArray wa = a.weights(), wb = b.weights();
        INDArray ba = a.bias(), bb = b.bias();
        if (!Arrays.equals(wa.shape(), wb.shape())) {
            throw new IllegalArgumentException("models differ in shape: " + Arrays.toString(wa.shape()) + " vs "
                    + Arrays.toString(wb.shape()));
        }
        INDArray da = wa.subColumnVector(wa.getColumn(0).reshape(wa.size(0), 1));
        INDArray db = wb.subColumnVector(wb.getColumn(0).reshape(wb.size(0), 1));
        INDArray ca = ba.sub(ba.getDouble(0)), cb = bb.sub(bb.getDouble(0));
        return Math.max(absMax(da.sub(db)), absMax(ca.sub(cb)));
    }

    private static double absMax(INDArray v) {
        return Transforms.abs(v).maxNumber().doubleValue();
    }
}
