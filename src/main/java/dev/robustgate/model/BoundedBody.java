package dev.robustgate.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read into memory up to {@code max} bytes: a larger declared Content-Length fails
 * before any byte is read, and a body that grows past the cap fails as soon as it does, so a hostile or
 * broken server cannot make the client buffer without bound.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    /** The answer was larger than the client accepts. */
    static final class TooLargeException extends IOException {
        TooLargeException(String message) {
            super(message);
        }
    }

    private final long max;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    private BoundedBody(long max) {
        this.max = max;
    }

    static HttpResponse.BodyHandler<byte[]> handler(long max) {
        return info -> {
            BoundedBody body = new BoundedBody(max);
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > max) body.result.completeExceptionally(new TooLargeException(
                    "answer of " + declared + " bytes declared; at most " + max + " accepted"));
            return body;
        };
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        this.subscription = s;
        if (result.isDone()) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) return;
        for (ByteBuffer b : items) {
            if (bytes.size() + (long) b.remaining() > max) {
                subscription.cancel();
                result.completeExceptionally(new TooLargeException("answer longer than " + max + " bytes"));
                return;
            }
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            bytes.write(chunk, 0, chunk.length);
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(bytes.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }
}
