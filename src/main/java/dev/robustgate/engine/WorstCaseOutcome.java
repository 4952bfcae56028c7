package dev.robustgate.engine;

import dev.robustgate.attack.WorstCaseOf;
import dev.robustgate.data.Dataset;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A {@link WorstCaseOf.Detailed} over one partition, keyed by sample id: the worst case and each member's run. */
public record WorstCaseOutcome(AttackOutcome combined, List<Member> members) implements Serializable {

    /** One member: its result (null when nothing was left standing), the ids it attacked, what it newly broke per eps. */
    public record Member(AttackOutcome result, int[] attackedIds, Map<Double, Integer> newlyBroken) implements Serializable {}

    public static WorstCaseOutcome of(WorstCaseOf.Detailed d, Dataset partition) {
        int[] ids = partition.sampleIds();
        List<Member> members = new ArrayList<>();
        for (WorstCaseOf.MemberRun m : d.members()) {
            int[] attacked = new int[m.samples().length];
            for (int k = 0; k < attacked.length; k++) attacked[k] = ids[m.samples()[k]];
            members.add(new Member(m.result() == null ? null : AttackOutcome.of(m.result()), attacked,
                    new java.util.LinkedHashMap<>(m.newlyBroken())));
        }
        return new WorstCaseOutcome(AttackOutcome.of(d.combined()), List.copyOf(members));
    }
}
