package dev.robustgate.metric;

import java.util.List;
import java.util.stream.Collectors;

/** The masking checks of one evaluation; {@link #suspected()} when any of them flags. */
public record MaskingReport(String victim, String setup, List<MaskingCheck> checks, GradientStatistics gradients) {
    public static final String CATEGORY = "gradient masking suspected";

    public MaskingReport {
        checks = List.copyOf(checks);
    }

    public boolean suspected() {
        return checks.stream().anyMatch(MaskingCheck::suspected);
    }

    public List<MaskingCheck> flags() {
        return checks.stream().filter(MaskingCheck::suspected).toList();
    }

    public boolean flagged(String checkName) {
        return checks.stream().anyMatch(c -> c.suspected() && c.name().equals(checkName));
    }

    /** One line naming the flags, as a failed spec's message and the Allure category read it. */
    public String summary() {
        if (!suspected()) return "no sign of gradient masking on " + victim + " (" + checks.size() + " checks, " + setup + ")";
        return CATEGORY + " on " + victim + ": " + flags().stream().map(c -> c.name() + " (" + c.evidence() + ")")
                .collect(Collectors.joining("; "));
    }

    @Override
    public String toString() {
        return summary() + "\n" + checks.stream().map(c -> "  " + c).collect(Collectors.joining("\n"));
    }
}
