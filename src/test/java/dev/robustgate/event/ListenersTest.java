package dev.robustgate.event;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ListenersTest {

    @TempDir
    Path tmp;

    @Test
    void installsOncePerJvmAndLogsGlobalEvents() {
        if (Listeners.installed()) {
            // the extension or CLI got there first in this JVM: leave its wiring alone, check idempotence only
            List<EventBus.Subscription> existing = Listeners.installDefaults(tmp);
            assertThat(Listeners.installDefaults(tmp.resolve("other"))).isSameAs(existing);
            return;
        }
        try {
            List<EventBus.Subscription> first = Listeners.installDefaults(tmp.resolve("results"));
            List<EventBus.Subscription> again = Listeners.installDefaults(tmp.resolve("elsewhere"));
            assertThat(again).isSameAs(first);
            assertThat(Listeners.installed()).isTrue();

            EventBus.emit(new CacheMiss("listeners-test", "k", "absent"));
            Path log = tmp.resolve("results").resolve(JsonLinesListener.DEFAULT_FILE_NAME);
            assertThat(JsonLinesListener.read(log)).anySatisfy(m -> assertThat(m).containsEntry("victim", "listeners-test"));
            assertThat(tmp.resolve("elsewhere")).doesNotExist();

            first.forEach(EventBus.Subscription::close);
            EventBus.emit(new CacheMiss("after-close", "k", "absent"));
            assertThat(JsonLinesListener.read(log)).noneSatisfy(m -> assertThat(m).containsEntry("victim", "after-close"));
        } finally {
            Listeners.reset();
        }
    }
}
