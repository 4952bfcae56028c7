package dev.robustgate.report;

import io.qameta.allure.Allure;
import java.nio.charset.StandardCharsets;

/**
 * A thin bridge from RobustGate's reports to the Allure test report.
 *
 * <p>Every method is a silent no-op when no Allure test case is running on the calling thread. That is
 * the normal case, not an error, for the same code paths run:
 * <ul>
 *   <li>from the CLI or any plain {@code main}, where there is no test at all;
 *   <li>from a JUnit test while the allure-junit5 extension is not on the class path or not registered;
 *   <li>from engines Allure does not listen to (a jqwik property, say, unless allure-jqwik is added);
 *   <li>from a pooled worker thread: Allure keeps the current test in an inheritable thread local, so a
 *       thread started by the test sees it, but an executor thread that existed before the test does not.
 * </ul>
 * Without the guard Allure itself does not throw in those cases but logs an {@code ERROR} ("no test
 * case is running") for every call, which buries real problems in noise. Once a test <em>is</em>
 * running, failures writing the attachment are Allure's to report and are not hidden here.
 *
 * <p>Each method returns whether it actually recorded something, so callers and tests can tell.
 */
public final class AllureAttachments {

    private AllureAttachments() {}

    /** Whether an Allure test case is running on this thread, i.e. whether the other methods do anything. */
    public static boolean isTestRunning() {
        // getLifecycle() only builds the lifecycle (reading allure.properties); it has no side effect on
        // the results directory, so asking is cheap and safe outside tests.
        return Allure.getLifecycle().getCurrentTestCase().isPresent();
    }

    /** Attaches PNG bytes (e.g. from {@link ImageGrid} or {@link CurvePlot}) to the running test. */
    public static boolean attachPng(String name, byte[] png) {
        requireName(name);
        if (png == null) {
            throw new IllegalArgumentException("png bytes must not be null for attachment '" + name + "'");
        }
        if (!isTestRunning()) {
            return false;
        }
        Allure.getLifecycle().addAttachment(name, "image/png", ".png", png);
        return true;
    }

    /** Attaches a JSON document (e.g. a serialised robustness report) to the running test. */
    public static boolean attachJson(String name, String json) {
        requireName(name);
        if (json == null) {
            throw new IllegalArgumentException("json must not be null for attachment '" + name + "'");
        }
        if (!isTestRunning()) {
            return false;
        }
        Allure.getLifecycle().addAttachment(name, "application/json", ".json",
                json.getBytes(StandardCharsets.UTF_8));
        return true;
    }

    /**
     * Records a parameter of the running test (shown in Allure and used by it to tell apart runs of the
     * same test with different inputs, e.g. {@code eps} or the model name). Returns whether it was recorded.
     */
    public static boolean parameter(String name, Object value) {
        requireName(name);
        if (!isTestRunning()) {
            return false;
        }
        Allure.parameter(name, value);
        return true;
    }

    private static void requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Allure attachment/parameter name must not be blank");
        }
    }
}
