package dev.robustgate.serve;

/**
 * Requests the prediction API's HTTP layer refused or cut off before they reached the model.
 *
 * @param timedOut           headers or body not complete within the request deadline (408)
 * @param tooLarge           Content-Length above the body cap, refused unread (413)
 * @param busy               queue of complete requests or memory for bodies full (503)
 * @param connectionsRefused connections closed at once because too many were open
 * @param malformed          request line, headers or framing that could not be parsed (400, 411, 431)
 * @param internalErrors     requests whose handling threw (500, logged with a reference number)
 */
public record TransportCounts(long timedOut, long tooLarge, long busy, long connectionsRefused, long malformed,
                              long internalErrors) {
}
