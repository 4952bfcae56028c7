package dev.robustgate.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.AllureResultsWriter;
import io.qameta.allure.model.Attachment;
import io.qameta.allure.model.TestResult;
import io.qameta.allure.model.TestResultContainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs against a private {@link AllureLifecycle} writing to memory, so the outcome does not depend on
 * whether the allure-junit5 listener happens to be reporting this very test. The global lifecycle is
 * put back afterwards (the listener keeps its own reference, so the swap does not disturb it).
 */
class AllureAttachmentsTest {

    /** Captures what Allure would write to allure-results. */
    static final class MemoryWriter implements AllureResultsWriter {
        final List<TestResult> results = new ArrayList<>();
        final Map<String, byte[]> attachments = new LinkedHashMap<>();

        @Override
        public void write(TestResult testResult) {
            results.add(testResult);
        }

        @Override
        public void write(TestResultContainer testResultContainer) {}

        @Override
        public void write(String source, InputStream attachment) {
            try {
                attachments.put(source, attachment.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private AllureLifecycle original;
    private MemoryWriter writer;

    @BeforeEach
    void useAPrivateLifecycle() {
        original = Allure.getLifecycle();
        writer = new MemoryWriter();
        Allure.setLifecycle(new AllureLifecycle(writer));
    }

    @AfterEach
    void restoreTheLifecycle() {
        Allure.setLifecycle(original);
    }

    @Test
    void everyMethodIsANoOpWhenNoTestIsRunning() {
        assertThat(AllureAttachments.isTestRunning()).isFalse();
        assertThat(AllureAttachments.attachPng("grid", new byte[] {1, 2, 3})).isFalse();
        assertThat(AllureAttachments.attachJson("report", "{\"ok\":true}")).isFalse();
        assertThat(AllureAttachments.parameter("eps", 0.1)).isFalse();
        assertThat(writer.attachments).isEmpty();
        assertThat(writer.results).isEmpty();
    }

    @Test
    void recordsAttachmentsAndParametersOnARunningTest() {
        AllureLifecycle lifecycle = Allure.getLifecycle();
        String uuid = UUID.randomUUID().toString();
        lifecycle.scheduleTestCase(new TestResult().setUuid(uuid).setName("fake"));
        lifecycle.startTestCase(uuid);
        try {
            assertThat(AllureAttachments.isTestRunning()).isTrue();
            assertThat(AllureAttachments.attachPng("grid", new byte[] {1, 2, 3})).isTrue();
            assertThat(AllureAttachments.attachJson("report", "{\"eps\":0.1}")).isTrue();
            assertThat(AllureAttachments.parameter("eps", 0.1)).isTrue();
        } finally {
            lifecycle.stopTestCase(uuid);
            lifecycle.writeTestCase(uuid);
        }

        assertThat(writer.results).hasSize(1);
        TestResult result = writer.results.get(0);
        assertThat(result.getAttachments()).extracting(Attachment::getName, Attachment::getType)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("grid", "image/png"),
                        org.assertj.core.groups.Tuple.tuple("report", "application/json"));
        assertThat(result.getAttachments().get(0).getSource()).endsWith(".png");
        assertThat(result.getAttachments().get(1).getSource()).endsWith(".json");
        assertThat(writer.attachments.get(result.getAttachments().get(0).getSource()))
                .containsExactly(1, 2, 3);
        assertThat(new String(writer.attachments.get(result.getAttachments().get(1).getSource()),
                StandardCharsets.UTF_8)).isEqualTo("{\"eps\":0.1}");
        assertThat(result.getParameters()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("eps");
            assertThat(p.getValue()).isEqualTo("0.1");
        });
    }

    @Test
    void rejectsBlankNamesAndNullContentEvenOutsideATest() {
        assertThatThrownBy(() -> AllureAttachments.attachPng(" ", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AllureAttachments.attachPng("grid", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grid");
        assertThatThrownBy(() -> AllureAttachments.attachJson("report", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("report");
        assertThatThrownBy(() -> AllureAttachments.parameter(null, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
