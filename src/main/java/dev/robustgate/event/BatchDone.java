package dev.robustgate.event;

/** One batch finished for every eps of the run; {@code done} of {@code total} samples are through. */
public record BatchDone(String attack, int done, int total, long gradientEvaluations, double seconds)
        implements Event {
    @Override public void deliverTo(EventListener l) { l.onBatchDone(this); }
}
