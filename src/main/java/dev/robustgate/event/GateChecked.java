package dev.robustgate.event;

/**
 * A gate's verdict, published by the assertions so that the CLI's summary table and the reports
 * see every check, passed or failed, with its numbers.
 */
public record GateChecked(String metric, String subject, double value, double lower, double upper, long samples,
                          String requirement, boolean passed, String message) implements Event {
    @Override public void deliverTo(EventListener l) { l.onGateChecked(this); }
}
