package dev.robustgate.data;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Shard i/n: parsing, range checks, the system property, and which samples it takes. */
class ShardTest {

    @Test
    void parsesIOverN() {
        assertThat(Shard.parse("2/4")).isEqualTo(new Shard(2, 4));
        assertThat(Shard.parse(" 1/1 ")).isEqualTo(new Shard(1, 1));
        assertThat(Shard.parse("4/4").number()).isEqualTo(4);
        assertThat(Shard.parse("3/7").count()).isEqualTo(7);
        assertThat(new Shard(2, 4).toString()).isEqualTo("2/4");
    }

    @Test
    void rejectsAnythingElseWithTheText() {
        for (String bad : List.of("", "2", "/4", "2/", "a/4", "2/b", "0/4", "5/4", "1/0", "-1/4", "2/4/6")) {
            assertThatThrownBy(() -> Shard.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("shard must be i/n with 1 <= i <= n");
        }
        assertThatThrownBy(() -> Shard.parse("x")).hasMessageContaining("(e.g. 2/4), got 'x'");
        assertThatThrownBy(() -> Shard.parse(null)).hasMessageContaining("got 'null'");
        assertThatThrownBy(() -> new Shard(0, 2)).hasMessageContaining("got 0/2");
        assertThatThrownBy(() -> new Shard(3, 2)).hasMessageContaining("got 3/2");
        assertThatThrownBy(() -> new Shard(1, 0)).hasMessageContaining("got 1/0");
    }

    @Test
    void readsTheSystemProperty() {
        String previous = System.getProperty(Shard.PROPERTY);
        try {
            System.clearProperty(Shard.PROPERTY);
            assertThat(Shard.fromSystemProperty()).isNull();
            System.setProperty(Shard.PROPERTY, "  ");
            assertThat(Shard.fromSystemProperty()).isNull();
            System.setProperty(Shard.PROPERTY, "3/5");
            assertThat(Shard.fromSystemProperty()).isEqualTo(new Shard(3, 5));
            System.setProperty(Shard.PROPERTY, "6/5");
            assertThatThrownBy(Shard::fromSystemProperty).hasMessageContaining("got 6/5");
        } finally {
            if (previous == null) System.clearProperty(Shard.PROPERTY);
            else System.setProperty(Shard.PROPERTY, previous);
        }
        assertThat(Shard.PROPERTY).isEqualTo("robustgate.shard");
    }

    @Test
    void shardINamesTheZeroBasedShardIMinusOne() {
        Dataset d = new Dataset("t", Split.TEST, Nd4j.createFromArray(new float[][]{{0}, {1}, {2}, {3}, {4}}),
                new int[5], List.of("a"), "h", "t");
        assertThat(new Shard(1, 2).of(d).sampleIds()).containsExactly(0, 2, 4);
        assertThat(new Shard(2, 2).of(d).sampleIds()).containsExactly(1, 3);
        assertThat(new Shard(1, 1).of(d)).isSameAs(d);
    }
}
