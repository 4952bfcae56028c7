package dev.robustgate;

import org.apiguardian.api.API;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The switch of the test-only substitution seams (attack, theft, inversion): the system property
 * {@value #PROPERTY}, read here only. A run with it set measures nothing, so the first read that finds it set
 * says so on standard error, once per JVM, in one line that a log reader cannot miss.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class TestSeam {
    public static final String PROPERTY = "robustgate.test.attack-substitute";
    private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();

    private TestSeam() {}

    /** What the seams substitute: nothing, a no-op, or random noise. */
    public enum Substitute { NONE, NOOP, NOISE }

    /** {@link Substitute#NONE} when unset, otherwise {@code noop} or {@code noise}; any other value is a one-line error. */
    public static Substitute substitute() {
        String name = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        Substitute s = switch (name) {
            case "" -> Substitute.NONE;
            case "noop" -> Substitute.NOOP;
            case "noise" -> Substitute.NOISE;
            default -> throw new IllegalArgumentException(PROPERTY + " must be noop or noise, got '" + name + "'");
        };
        if (s != Substitute.NONE && ANNOUNCED.compareAndSet(false, true)) {
            System.err.println("[robustgate] TEST SEAM ACTIVE: " + PROPERTY + "=" + name
                    + " replaces every attack, thief and inverter by a broken one; no number of this run gates anything");
        }
        return s;
    }

    /** Whether this JVM has said that the seam is active. */
    static boolean announced() {
        return ANNOUNCED.get();
    }
}
