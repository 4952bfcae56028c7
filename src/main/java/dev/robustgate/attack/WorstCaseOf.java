package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.EvaluationCounter.Counts;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The worst case over several attacks, per sample and per eps: a sample is robust at eps only if
 * every member fails on it there. Members run in order, each only on the samples still standing
 * at some eps after the ones before it (cheap attacks first, expensive ones on what is left). A
 * member gets those samples with their {@link Dataset#sampleIds} kept, and every RobustGate attack
 * keys its random draws by id, so it decides each sample as it would alone: the worst case is
 * then never above any member's robust accuracy.
 *
 * <p>All members must share the norm and the eps list; each eps's adversarial is the first
 * member's success there.
 */
public final class WorstCaseOf implements Attack {
    private final List<Attack> members;

    private WorstCaseOf(List<Attack> members) {
        if (members.isEmpty()) throw new IllegalArgumentException("a worst case needs at least one attack");
        Attack first = members.get(0);
        for (Attack a : members) {
            if (a.norm() != first.norm()) {
                throw new IllegalArgumentException(a.describe() + " measures " + a.norm().label() + " but "
                        + first.describe() + " measures " + first.norm().label() + ": members must share the norm");
            }
            if (!a.epsilons().equals(first.epsilons())) {
                throw new IllegalArgumentException(a.describe() + " evaluates eps " + a.epsilons() + " but "
                        + first.describe() + " evaluates " + first.epsilons() + ": members must share the eps list");
            }
        }
        this.members = List.copyOf(members);
    }

    public static WorstCaseOf of(Attack... members) {
        return new WorstCaseOf(Arrays.asList(members));
    }

    public static WorstCaseOf of(List<Attack> members) {
        return new WorstCaseOf(members);
    }

    /**
     * The standard strong ensemble for Linf: PGD (40 steps of 2.5 eps / 40, random start, 5 restarts),
     * then C&W-L2 scored in Linf, then the Square attack (1000 queries), on what each leaves standing.
     */
    public static WorstCaseOf strong(double... eps) {
        return of(PgdAttack.linf().eps(eps).restarts(5),
                CarliniWagnerL2Attack.create().threatNorm(Norm.LINF).eps(eps),
                SquareAttack.linf().eps(eps));
    }

    /**
     * AutoAttack's standard version (Croce &amp; Hein 2020), Linf: APGD-CE (100 steps), APGD-T (9 target
     * classes, 100 steps each), FAB-T (9 target classes, 100 steps each) and the Square attack (5000
     * queries, p init 0.8 as AutoAttack sets it), each on the samples the ones before it left standing.
     * Parameter-free: no step size to tune. {@code eval --attack autoattack}.
     */
    public static WorstCaseOf standard(double... eps) {
        return of(ApgdAttack.linf().eps(eps),
                ApgdAttack.linf().targetClasses(9).eps(eps),
                FabAttack.linf().eps(eps),
                SquareAttack.linf().queries(5000).pInit(0.8).eps(eps));
    }

    public List<Attack> members() {
        return members;
    }

    @Override public String name() { return "WorstCase"; }
    @Override public Norm norm() { return members.get(0).norm(); }
    @Override public List<Double> epsilons() { return members.get(0).epsilons(); }
    @Override public boolean needsInputGradients() { return members.stream().anyMatch(Attack::needsInputGradients); }

    @Override
    public String describe() {
        return name() + "[" + String.join(" + ", members.stream().map(Attack::describe).toList()) + "]";
    }

    @Override
    public String describeAt(double eps) {
        return name() + "[" + String.join(" + ", members.stream().map(a -> a.describeAt(eps)).toList()) + "]";
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("attack", name());
        p.put("norm", norm().label());
        p.put("eps", epsilons().stream().map(AttackSettings::formatEps).toList().toString());
        for (int i = 0; i < members.size(); i++) p.put("member " + (i + 1), members.get(i).describe());
        return p;
    }

    @Override
    public AttackResult run(DifferentiableClassifier model, Dataset data) {
        return runDetailed(model, data).combined();
    }

    /** The worst case and what each member contributed. */
    public Detailed runDetailed(DifferentiableClassifier model, Dataset data) {
        AttackRunner.requireCompatible(model, data);
        AttackRunner.requireGradientsIfNeeded(this, model);
        long t0 = System.nanoTime();
        Counts before = model.counter().snapshot();
        int n = data.size();
        long d = data.sampleLength();
        INDArray clean = data.features().reshape(n, d);
        List<Double> epsList = epsilons();
        int ne = epsList.size();

        INDArray[] adv = new INDArray[ne];
        int[][] pred = new int[ne][];
        boolean[][] success = new boolean[ne][];
        int[][] grads = new int[ne][n];
        long[] forwards = new long[ne];
        double[] seconds = new double[ne];
        int[] labels = data.labels();
        int[] cleanPred = null;
        int[] targets = null;
        List<MemberRun> runs = new ArrayList<>();
        int[] standing = new int[n];
        for (int i = 0; i < n; i++) standing[i] = i;

        for (Attack member : members) {
            if (standing.length == 0) {
                runs.add(new MemberRun(member, null, new int[0], Map.of()));
                continue;
            }
            boolean all = standing.length == n;
            Dataset subset = all ? data : data.subsetKeepingIds(standing, "standing after " + runs.size() + " attack(s)");
            AttackResult r = member.run(model, subset);
            Map<Double, Integer> broke = new LinkedHashMap<>();
            if (cleanPred == null) {
                cleanPred = r.cleanPredictions();
                for (int e = 0; e < ne; e++) {
                    EpsResult first = r.at(epsList.get(e));
                    adv[e] = first.adversarial().reshape(n, d).dup();
                    pred[e] = first.predictions();
                    success[e] = new boolean[n];
                    for (int i = 0; i < n; i++) {
                        success[e][i] = first.success(i);
                        grads[e][i] = first.sample(i).gradientEvaluations();
                        if (targets == null && first.sample(i).target() != null) targets = new int[n];
                        if (targets != null) targets[i] = first.sample(i).target();
                    }
                    broke.put(epsList.get(e), first.successOnCleanCorrect());
                    forwards[e] = first.forwardEvaluations();
                    seconds[e] = first.seconds();
                }
            } else {
                for (int e = 0; e < ne; e++) {
                    EpsResult er = r.at(epsList.get(e));
                    INDArray sub = er.adversarial().reshape(standing.length, d);
                    int newly = 0;
                    for (int j = 0; j < standing.length; j++) {
                        int i = standing[j];
                        grads[e][i] += er.sample(j).gradientEvaluations();
                        if (!success[e][i] && er.success(j)) {
                            success[e][i] = true;
                            newly++;
                            pred[e][i] = er.predictions()[j];
                            adv[e].putRow(i, sub.getRow(j));
                        }
                    }
                    broke.put(epsList.get(e), newly);
                    forwards[e] += er.forwardEvaluations();
                    seconds[e] += er.seconds();
                }
            }
            runs.add(new MemberRun(member, r, standing.clone(), Map.copyOf(broke)));
            List<Integer> next = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (cleanPred[i] != labels[i]) continue;
                for (int e = 0; e < ne; e++) {
                    if (!success[e][i] && epsList.get(e) > 0) {
                        next.add(i);
                        break;
                    }
                }
            }
            standing = next.stream().mapToInt(Integer::intValue).toArray();
        }

        List<EpsResult> perEps = new ArrayList<>();
        long[] shape = data.features().shape();
        for (int e = 0; e < ne; e++) {
            double eps = epsList.get(e);
            double[] dist = norm().rowNorms(adv[e].sub(clean));
            perEps.add(new EpsResult(eps, describeAt(eps), adv[e].reshape(shape), labels, cleanPred, targets, pred[e],
                    success[e], dist, grads[e], forwards[e], seconds[e]));
        }
        Counts cost = model.counter().snapshot().minus(before);
        AttackResult combined = new AttackResult(name(), describe(), parameters(), norm(), model.name(), data, cleanPred,
                List.copyOf(perEps), cost, (System.nanoTime() - t0) / 1e9);
        return new Detailed(combined, List.copyOf(runs));
    }

    /**
     * One member's run: its result over {@code samples} (positions in the evaluated dataset; null
     * when none were left standing) and, per eps, how many samples it broke that the members
     * before it had left robust there.
     */
    public record MemberRun(Attack attack, AttackResult result, int[] samples, Map<Double, Integer> newlyBroken) {}

    public record Detailed(AttackResult combined, List<MemberRun> members) {}
}
