package dev.robustgate.event;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CountingListenerTest {

    @Test
    void countsByTypeAndKeepsTheLastN() {
        CountingListener c = new CountingListener(3);
        for (int i = 1; i <= 5; i++) c.onBatchDone(new BatchDone("pgd", i, 5, i, 0.1));
        c.onCacheMiss(new CacheMiss("v", "k", "absent"));

        assertThat(c.count(BatchDone.class)).isEqualTo(5);
        assertThat(c.count(CacheMiss.class)).isEqualTo(1);
        assertThat(c.count(CacheHit.class)).isZero();
        assertThat(c.total()).isEqualTo(6);
        assertThat(c.counts()).containsOnlyKeys(BatchDone.class, CacheMiss.class);
        assertThat(c.recent()).hasSize(3);
        assertThat(c.recent(BatchDone.class)).extracting(BatchDone::done).containsExactly(4, 5);
        assertThat(c.last(BatchDone.class)).map(BatchDone::done).contains(5);
        assertThat(c.last(GateChecked.class)).isEmpty();
        assertThat(c).hasToString("CountingListener{BatchDone=5, CacheMiss=1}");

        c.reset();
        assertThat(c.total()).isZero();
        assertThat(c.recent()).isEmpty();
        assertThat(c.counts()).isEmpty();
    }

    @Test
    void zeroCapacityOnlyCounts() {
        CountingListener c = new CountingListener(0);
        SampleEvents.all().forEach(c::record);
        assertThat(c.total()).isEqualTo(SampleEvents.all().size());
        assertThat(c.recent()).isEmpty();
        assertThatThrownBy(() -> new CountingListener(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
