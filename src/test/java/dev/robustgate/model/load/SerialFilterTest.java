package dev.robustgate.model.load;

import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The test JVM runs with the deserialization filter of pom.xml (robustgate.serialFilter, which
 * ./robustgate passes too): DL4J objects such as a planted preprocessor.bin's are rejected, while
 * JDK values still travel (what Spark's local tasks need).
 */
class SerialFilterTest {

    @Test
    void theJvmHasTheProjectsFilter() {
        assertThat(System.getProperty("jdk.serialFilter")).as("-Djdk.serialFilter from Surefire's argLine")
                .isNotBlank().endsWith("!*");
        assertThat(ObjectInputFilter.Config.getSerialFilter()).isNotNull();
    }

    @Test
    void aDl4jPreprocessorIsRejected() throws Exception {
        byte[] planted = Dl4jModelZipTest.serialized(new CnnToFeedForwardPreProcessor(4, 4, 2));
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(planted))) {
            assertThatThrownBy(in::readObject).isInstanceOf(InvalidClassException.class).hasMessageContaining("REJECTED");
        }
    }

    @Test
    void jdkValuesStillDeserialize() throws Exception {
        Map<String, Object> m = new HashMap<>(Map.of("a", new int[]{1, 2}, "b", new String[]{"x"}, "c", 3.0));
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Dl4jModelZipTest.serialized(m)))) {
            @SuppressWarnings("unchecked") Map<String, Object> back = (Map<String, Object>) in.readObject();
            assertThat(back).containsKeys("a", "b", "c");
            assertThat((int[]) back.get("a")).containsExactly(1, 2);
        }
    }
}
