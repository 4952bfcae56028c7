package dev.robustgate.attack;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetSelectionTest {
    private static final int[] IDS = {0, 1, 2};

    @Test
    void leastLikelyIsTheLeastLikelyClassOtherThanTheLabel() {
        var p = Nd4j.createFromArray(new float[][]{
                {0.1f, 0.7f, 0.2f},   // label 0 is itself the least likely: the target must be class 2
                {0.5f, 0.3f, 0.2f},
                {1f / 3, 1f / 3, 1f / 3}}); // a tie everywhere must still not pick the label
        int[] t = TargetSelection.leastLikely().choose(new int[]{0, 1, 0}, IDS, p, 3);
        assertThat(t).containsExactly(2, 2, 1);
    }

    @Test
    void randomTargetsNeverEqualTheLabelAndFollowTheSeed() {
        int[] labels = new int[200];
        int[] ids = new int[200];
        for (int i = 0; i < 200; i++) { labels[i] = i % 10; ids[i] = i; }
        int[] a = TargetSelection.random(5).choose(labels, ids, null, 10);
        int[] b = TargetSelection.random(5).choose(labels, ids, null, 10);
        int[] c = TargetSelection.random(6).choose(labels, ids, null, 10);
        for (int i = 0; i < 200; i++) assertThat(a[i]).isNotEqualTo(labels[i]).isBetween(0, 9);
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void oneClassCannotBeTargeted() {
        assertThatThrownBy(() -> TargetSelection.leastLikely().choose(new int[]{0}, new int[]{0}, Nd4j.ones(1, 1), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2 classes");
    }
}
