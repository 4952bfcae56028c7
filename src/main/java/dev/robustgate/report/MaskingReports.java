package dev.robustgate.report;

import dev.robustgate.metric.MaskingReport;
import io.qameta.allure.Allure;
import io.qameta.allure.model.StatusDetails;

import java.nio.charset.StandardCharsets;

/**
 * Puts a masking report on the running Allure test: the checks as text, a "gradient masking"
 * parameter, and, when a check flags, the report's summary as the test's status message, which
 * the Allure category "gradient masking suspected" (allure-results/categories.json) matches even
 * on a test that passed, so that a suspicion is visible without failing the build. A spec that
 * wants to fail on it asserts on {@link MaskingReport#suspected()}.
 */
public final class MaskingReports {
    private MaskingReports() {}

    /** Returns whether anything was recorded (false outside a running Allure test). */
    public static boolean attach(MaskingReport report) {
        if (!AllureAttachments.isTestRunning()) return false;
        AllureAttachments.parameter("gradient masking", report.suspected() ? "suspected" : "not suspected");
        Allure.getLifecycle().addAttachment("masking checks", "text/plain", ".txt",
                report.toString().getBytes(StandardCharsets.UTF_8));
        if (report.suspected()) {
            Allure.label("tag", MaskingReport.CATEGORY);
            Allure.getLifecycle().updateTestCase(tc -> {
                StatusDetails details = tc.getStatusDetails() == null ? new StatusDetails() : tc.getStatusDetails();
                if (details.getMessage() == null) details.setMessage(report.summary());
                tc.setStatusDetails(details);
            });
        }
        return true;
    }
}
