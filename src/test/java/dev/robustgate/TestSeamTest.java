package dev.robustgate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ResourceLock(Resources.SYSTEM_PROPERTIES)
@ResourceLock(Resources.SYSTEM_ERR)
class TestSeamTest {
    @AfterEach
    void unset() {
        System.clearProperty(TestSeam.PROPERTY);
    }

    @Test
    void unsetMeansNoSubstitute() {
        System.clearProperty(TestSeam.PROPERTY);
        assertThat(TestSeam.substitute()).isEqualTo(TestSeam.Substitute.NONE);
    }

    @Test
    void anActiveSeamSaysSoOncePerJvm() {
        boolean before = TestSeam.announced();
        System.setProperty(TestSeam.PROPERTY, " NoOp ");
        String err = stderrOf(() -> {
            assertThat(TestSeam.substitute()).isEqualTo(TestSeam.Substitute.NOOP);
            assertThat(TestSeam.substitute()).isEqualTo(TestSeam.Substitute.NOOP);
        });
        long lines = err.lines().filter(l -> l.contains("TEST SEAM ACTIVE")).count();
        // Another test of this JVM may have switched the seam on first; then it has said so already.
        assertThat(lines).isEqualTo(before ? 0 : 1);
        assertThat(TestSeam.announced()).isTrue();
        if (!before) assertThat(err).contains(TestSeam.PROPERTY + "=noop").contains("gates anything");
    }

    @Test
    void anUnknownSubstituteIsAOneLineError() {
        System.setProperty(TestSeam.PROPERTY, "weak");
        assertThatThrownBy(TestSeam::substitute).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(TestSeam.PROPERTY + " must be noop or noise, got 'weak'");
    }

    private static String stderrOf(Runnable r) {
        PrintStream old = System.err;
        var buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
