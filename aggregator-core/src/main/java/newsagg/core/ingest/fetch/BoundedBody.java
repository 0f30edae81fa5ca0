package newsagg.core.ingest.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A response body as a blocking stream that enforces a deadline and a byte cap while it is read. Like
 * {@code BodySubscribers.ofInputStream()} it hands the stream over as soon as the headers arrive, but each read waits
 * at most until the fetch's deadline, so a server that trickles bytes or never ends the body is cut off on time without
 * a watchdog thread. One buffer list is requested at a time, so at most one list is held beyond what the reader has
 * consumed. Closing the stream cancels the subscription, which drops the connection.
 */
final class BoundedBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {

    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final long deadlineNanos;
    private final String timeoutMessage;
    private final long maxBytes;
    private final String tooLargeMessage;
    private volatile Flow.Subscription subscription;

    private Iterator<ByteBuffer> buffers;
    private ByteBuffer current;
    private boolean finished;
    private long bytesRead;

    BoundedBody(long deadlineNanos, String timeoutMessage, long maxBytes, String tooLargeMessage) {
        this.deadlineNanos = deadlineNanos;
        this.timeoutMessage = timeoutMessage;
        this.maxBytes = maxBytes;
        this.tooLargeMessage = tooLargeMessage;
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedFuture(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (closed.get()) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.offer(item);
    }

    @Override
    public void onError(Throwable throwable) {
        queue.offer(throwable);
    }

    @Override
    public void onComplete() {
        queue.offer(END);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed.get()) {
            throw new IOException("stream closed");
        }
        if (len == 0) {
            return 0;
        }
        checkDeadline();
        while (current == null || !current.hasRemaining()) {
            if (buffers != null && buffers.hasNext()) {
                current = buffers.next();
                continue;
            }
            if (finished) {
                return -1;
            }
            if (buffers != null) {
                buffers = null;
                subscription.request(1);
            }
            takeNext();
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        bytesRead += n;
        if (bytesRead > maxBytes) {
            throw new FetchException(tooLargeMessage);
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    private void takeNext() throws IOException {
        long remaining = deadlineNanos - System.nanoTime();
        Object item;
        try {
            item = remaining <= 0 ? null : queue.poll(remaining, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the response body");
        }
        if (item == null) {
            throw new FetchException(timeoutMessage);
        }
        if (item == END) {
            finished = true;
        } else if (item instanceof Throwable t) {
            finished = true;
            throw t instanceof IOException io ? io : new IOException(t);
        } else {
            buffers = ((List<ByteBuffer>) item).iterator();
        }
    }

    private void checkDeadline() throws FetchException {
        if (System.nanoTime() - deadlineNanos >= 0) {
            throw new FetchException(timeoutMessage);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            queue.clear();
        }
    }
}
