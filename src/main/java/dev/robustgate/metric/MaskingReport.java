package dev.robustgate.metric;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The masking checks of one evaluation; {@link #suspected()} when any of them flags. Checks that
 * could not run on the model are listed as not applicable; {@code gradients} is null when the
 * model has no input gradients (a black box).
 */
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
        if (!suspected()) return "no sign of gradient masking on " + victim + " (" + counted() + ", " + setup + ")";
        return CATEGORY + " on " + victim + ": " + flags().stream().map(c -> c.name() + " (" + c.evidence() + ")")
                .collect(Collectors.joining("; "));
    }

    /** The checks that could not run on this model. */
    public List<MaskingCheck> notApplicable() {
        return checks.stream().filter(c -> !c.applicable()).toList();
    }

    private String counted() {
        List<MaskingCheck> na = notApplicable();
        if (na.isEmpty()) return checks.size() + " checks";
        return (checks.size() - na.size()) + " checks run, " + na.size() + " not applicable ("
                + na.stream().map(MaskingCheck::name).collect(Collectors.joining(", ")) + ": " + na.get(0).evidence() + ")";
    }

    @Override
    public String toString() {
        return summary() + "\n" + checks.stream().map(c -> "  " + c).collect(Collectors.joining("\n"));
    }
}
