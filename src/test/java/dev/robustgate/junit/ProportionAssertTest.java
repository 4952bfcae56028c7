package dev.robustgate.junit;

import dev.robustgate.event.EventBus;
import dev.robustgate.event.EventListener;
import dev.robustgate.event.GateChecked;
import dev.robustgate.metric.Proportion;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.robustgate.junit.RobustnessAssertions.assertThatProportion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProportionAssertTest {
    // 112 of 1000: Clopper-Pearson 95% interval [0.0931, 0.1331]
    private final Proportion measured = Proportion.of("robust accuracy", "fashion-lenet",
            "PGD-Linf(eps=0.1, 40x0.01, seed 7)", 112, 1000);

    @Test
    void failureReadsLikeTheDesignSays() {
        assertThatThrownBy(() -> assertThatProportion(measured).lowerBound().isAtLeast(0.15))
                .isInstanceOf(AssertionError.class)
                .hasMessage("robust accuracy under PGD-Linf(eps=0.1, 40x0.01, seed 7) on fashion-lenet: "
                        + "0.112 [0.093, 0.133] over 1000 samples; required lower bound >= 0.15");
    }

    @Test
    void gatesOnEachBoundAndOnThePointEstimate() {
        assertThatProportion(measured).isAtLeast(0.112).isAtMost(0.112);
        assertThatProportion(measured).lowerBound().isAtLeast(0.09).upperBound().isAtMost(0.14);
        assertThatThrownBy(() -> assertThatProportion(measured).upperBound().isAtMost(0.12))
                .hasMessageEndingWith("required upper bound <= 0.12");
        assertThatThrownBy(() -> assertThatProportion(measured).isAtLeast(0.2))
                .hasMessageEndingWith("required value >= 0.2");
    }

    @Test
    void aHigherConfidenceWidensTheIntervalAndSaysSo() {
        assertThatProportion(measured).lowerBound().isAtLeast(0.093);
        assertThatThrownBy(() -> assertThatProportion(measured).withConfidence(0.99).lowerBound().isAtLeast(0.093))
                .hasMessageContaining("required lower bound of the 99% interval >= 0.093");
    }

    @Test
    void thresholdsOutsideTheUnitIntervalAreRejected() {
        assertThatThrownBy(() -> assertThatProportion(measured).isAtLeast(15))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in [0, 1], got 15");
        assertThatThrownBy(() -> assertThatProportion(measured).isAtLeast(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyCheckIsPublishedPassedOrFailed() {
        List<GateChecked> seen = new ArrayList<>();
        try (var sub = EventBus.global().subscribe(new EventListener() {
            @Override
            public void onGateChecked(GateChecked e) {
                seen.add(e);
            }
        })) {
            assertThatProportion(measured).lowerBound().isAtLeast(0.05);
            assertThatThrownBy(() -> assertThatProportion(measured).lowerBound().isAtLeast(0.5));
        }
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0).passed()).isTrue();
        assertThat(seen.get(1).passed()).isFalse();
        assertThat(seen.get(1).requirement()).isEqualTo("lower bound >= 0.5");
        assertThat(seen.get(1).samples()).isEqualTo(1000);
    }
}
