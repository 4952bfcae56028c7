package dev.robustgate.event;

/**
 * A gate's verdict, published by the assertions so that the CLI's summary table and the reports
 * see every check, passed or failed, with its numbers, and with what the gate can catch at its n:
 * {@code detectableChange} (the smallest change past the threshold it fails with 80% power; NaN if
 * unknown or if it cannot fail), {@code weak} (it cannot fail at its n, or its n is below the
 * floor), and {@code sensitivity}, that as one table cell.
 */
public record GateChecked(String metric, String subject, double value, double lower, double upper, long samples,
                          String requirement, boolean passed, String message,
                          double detectableChange, boolean weak, String sensitivity) implements Event {

    /** A verdict without a stated sensitivity. */
    public GateChecked(String metric, String subject, double value, double lower, double upper, long samples,
                       String requirement, boolean passed, String message) {
        this(metric, subject, value, lower, upper, samples, requirement, passed, message, Double.NaN, false, "");
    }

    @Override public void deliverTo(EventListener l) { l.onGateChecked(this); }
}
