package dev.robustgate.jqwik;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.domains.Domain;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/**
 * A property that is wrong on purpose (it claims no PGD configuration takes more than 3 steps)
 * must fail with the simplest counterexample, printed as one readable line.
 */
class ShrinkingTest {

    @Domain(RobustGateDomain.class)
    static class WrongClaim {
        @Property(seed = "42", tries = 200)
        void neverMoreThanThreeSteps(@ForAll PgdConfig config) {
            assertThat(config.steps()).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void aFailingPropertyShrinksToTheSimplestConfiguration() {
        var results = EngineTestKit.engine("jqwik")
                .configurationParameter("jqwik.reporting.usejunitplatform", "true")
                .selectors(selectMethod(WrongClaim.class, "neverMoreThanThreeSteps", PgdConfig.class.getName()))
                .execute();
        results.testEvents().assertStatistics(s -> s.failed(1));
        var all = results.allEvents();
        // jqwik publishes the shrunk sample as a report entry of the property.
        String report = all.reportingEntryPublished().stream()
                .map(e -> e.getPayload(org.junit.platform.engine.reporting.ReportEntry.class).orElseThrow())
                .map(r -> r.getKeyValuePairs().toString())
                .reduce("", String::concat)
                + results.testEvents().failed().stream()
                .map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow())
                .map(r -> r.getThrowable().map(Throwable::toString).orElse(""))
                .reduce("", String::concat);
        // Shrunk: the first failing step count, eps 0, no random start, seed 0, the first norm.
        assertThat(report).contains("PGD-Linf(eps=0.0, 4 steps x 0.05 eps, no random start, seed 0)");
    }
}
