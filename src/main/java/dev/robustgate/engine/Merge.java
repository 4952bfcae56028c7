package dev.robustgate.engine;

import dev.robustgate.attack.Attack;
import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.EpsResult;
import dev.robustgate.attack.EpsResults;
import dev.robustgate.attack.WorstCaseOf;
import dev.robustgate.data.Dataset;
import dev.robustgate.metric.GradientStatistics;
import dev.robustgate.model.EvaluationCounter.Counts;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Puts partitions' per-sample results back together by sample id, into the result one run over
 * the whole dataset gives: the same per-sample outcomes (each sample's random draws are keyed by
 * its id, so where it was evaluated does not matter), counts that are sums of the partitions'
 * (per-sample work), and every sample exactly once (checked).
 */
public final class Merge {
    private Merge() {}

    /** The whole run's result of {@code attack} from its partitions' outcomes; {@code seconds} is the wall time. */
    public static AttackResult attack(Attack attack, Dataset whole, List<AttackOutcome> parts, double seconds) {
        if (parts.isEmpty()) throw new IllegalArgumentException("no partitions to merge for " + attack.describe());
        int n = whole.size();
        int[][] at = positions(whole, parts.stream().map(AttackOutcome::ids).toList(), attack.describe());
        long d = whole.sampleLength();
        int ne = parts.get(0).perEps().size();
        int[] labels = whole.labels();
        int[] clean = new int[n];
        int[] targets = parts.get(0).targets() == null ? null : new int[n];
        long forward = 0;
        long gradient = 0;
        for (int p = 0; p < parts.size(); p++) {
            AttackOutcome o = parts.get(p);
            if (o.perEps().size() != ne || (o.targets() == null) != (targets == null)) {
                throw new IllegalStateException("partitions of " + attack.describe() + " disagree on eps or targets");
            }
            for (int k = 0; k < o.size(); k++) {
                clean[at[p][k]] = o.cleanPredictions()[k];
                if (targets != null) targets[at[p][k]] = o.targets()[k];
            }
            forward += o.forwardEvaluations();
            gradient += o.gradientEvaluations();
        }
        List<EpsResult> perEps = new ArrayList<>();
        for (int e = 0; e < ne; e++) {
            float[] adv = new float[(int) (n * d)];
            int[] pred = new int[n];
            boolean[] success = new boolean[n];
            double[] dist = new double[n];
            int[] grads = new int[n];
            long forwards = 0;
            double secs = 0;
            AttackOutcome.EpsOutcome first = parts.get(0).perEps().get(e);
            for (int p = 0; p < parts.size(); p++) {
                AttackOutcome.EpsOutcome o = parts.get(p).perEps().get(e);
                if (o.eps() != first.eps()) {
                    throw new IllegalStateException("partitions of " + attack.describe() + " evaluated eps " + o.eps() + " and " + first.eps());
                }
                for (int k = 0; k < o.predictions().length; k++) {
                    int i = at[p][k];
                    pred[i] = o.predictions()[k];
                    success[i] = o.success()[k];
                    dist[i] = o.distances()[k];
                    grads[i] = o.gradientEvaluations()[k];
                    System.arraycopy(o.adversarial(), (int) (k * d), adv, (int) (i * d), (int) d);
                }
                forwards += o.forwardEvaluations();
                secs += o.seconds();
            }
            perEps.add(EpsResults.of(first.eps(), first.description(), Nd4j.create(adv, whole.features().shape(), 'c'),
                    labels, clean, targets, pred, success, dist, grads, forwards, secs));
        }
        return new AttackResult(attack.name(), attack.describe(), attack.parameters(), attack.norm(), parts.get(0).victim(),
                whole, clean, List.copyOf(perEps), new Counts(forward, gradient), seconds);
    }

    /** A worst case and its members' runs from its partitions' outcomes. */
    public static WorstCaseOf.Detailed worstCase(WorstCaseOf attack, Dataset whole, List<WorstCaseOutcome> parts, double seconds) {
        AttackResult combined = attack(attack, whole, parts.stream().map(WorstCaseOutcome::combined).toList(), seconds);
        Map<Integer, Integer> position = positionOfId(whole);
        List<WorstCaseOf.MemberRun> runs = new ArrayList<>();
        for (int m = 0; m < attack.members().size(); m++) {
            int mm = m;
            int[] positions = parts.stream().flatMapToInt(p -> Arrays.stream(p.members().get(mm).attackedIds()))
                    .map(position::get).sorted().toArray();
            List<AttackOutcome> results = parts.stream().map(p -> p.members().get(mm).result())
                    .filter(java.util.Objects::nonNull).toList();
            Attack member = attack.members().get(m);
            AttackResult r = null;
            if (!results.isEmpty()) {
                Dataset attacked = positions.length == whole.size() ? whole
                        : whole.subsetKeepingIds(positions, "standing after " + m + " attack(s)");
                r = attack(member, attacked, results, results.stream().mapToDouble(AttackOutcome::seconds).sum());
            }
            Map<Double, Integer> broke = new LinkedHashMap<>();
            for (WorstCaseOutcome p : parts) p.members().get(mm).newlyBroken().forEach((eps, k) -> broke.merge(eps, k, Integer::sum));
            runs.add(new WorstCaseOf.MemberRun(member, r, positions, Map.copyOf(broke)));
        }
        return new WorstCaseOf.Detailed(combined, List.copyOf(runs));
    }

    static GradientStatistics gradients(Dataset whole, List<Tasks.GradientNorms.Outcome> parts) {
        int[][] at = positions(whole, parts.stream().map(Tasks.GradientNorms.Outcome::ids).toList(), "gradient statistics");
        double[] l1 = new double[whole.size()];
        for (int p = 0; p < parts.size(); p++) {
            for (int k = 0; k < at[p].length; k++) l1[at[p][k]] = parts.get(p).l1()[k];
        }
        return GradientStatistics.ofNorms(parts.get(0).victim(), l1);
    }

    /** For each part, each of its samples' position in {@code whole}; every sample of whole exactly once. */
    private static int[][] positions(Dataset whole, List<int[]> partIds, String what) {
        Map<Integer, Integer> position = positionOfId(whole);
        boolean[] seen = new boolean[whole.size()];
        int[][] at = new int[partIds.size()][];
        for (int p = 0; p < partIds.size(); p++) {
            int[] ids = partIds.get(p);
            at[p] = new int[ids.length];
            for (int k = 0; k < ids.length; k++) {
                Integer i = position.get(ids[k]);
                if (i == null) throw new IllegalStateException(what + ": partition " + p + " returned sample id " + ids[k] + ", not in " + whole.provenance());
                if (seen[i]) throw new IllegalStateException(what + ": sample id " + ids[k] + " was returned twice");
                seen[i] = true;
                at[p][k] = i;
            }
        }
        int missing = (int) IntStream.range(0, seen.length).filter(i -> !seen[i]).count();
        if (missing > 0) throw new IllegalStateException(what + ": " + missing + " of " + seen.length + " samples were not returned by any partition");
        return at;
    }

    private static Map<Integer, Integer> positionOfId(Dataset whole) {
        int[] ids = whole.sampleIds();
        Map<Integer, Integer> position = new HashMap<>(ids.length * 2);
        for (int i = 0; i < ids.length; i++) position.put(ids[i], i);
        return position;
    }
}
