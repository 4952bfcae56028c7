package dev.robustgate.event;

/**
 * One request of a black-box client to a prediction API: {@code samples} queries sent on attempt
 * {@code attempt} (1 = first try), and what came back. Every attempt is published, answered or not,
 * because a server bills (and learns from) every query it receives.
 *
 * @param outcome        "ok", "http 500", "timeout", "malformed answer", "refused: budget", ...
 * @param totalQueries   queries sent by this client so far, this attempt included
 * @param budgetLeft     queries left in the client's budget (Long.MAX_VALUE if unlimited)
 */
public record Query(String victim, long samples, int attempt, String outcome, long totalQueries, long budgetLeft,
                    double seconds) implements Event {
    @Override public void deliverTo(EventListener l) { l.onQuery(this); }
}
