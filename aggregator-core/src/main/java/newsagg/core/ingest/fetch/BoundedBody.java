package newsagg.core.ingest.fetch;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import newsagg.core.ingest.fetch.FeedFetcher.FetchException;

/**
 * A response body that enforces the fetch's deadline and a byte cap while it is read. Each socket read is bounded by
 * the client's response timeout (set to the time left) and the fetcher aborts the connection at the deadline, so a
 * server that trickles bytes or never ends the body is cut off on time; this stream turns the failure either causes
 * into the timeout message, and refuses to read on once the deadline has passed or the thread is interrupted.
 */
final class BoundedBody extends FilterInputStream {

    private final long deadlineNanos;
    private final String timeoutMessage;
    private final long maxBytes;
    private final String tooLargeMessage;
    private long bytesRead;

    BoundedBody(InputStream in, long deadlineNanos, String timeoutMessage, long maxBytes, String tooLargeMessage) {
        super(in);
        this.deadlineNanos = deadlineNanos;
        this.timeoutMessage = timeoutMessage;
        this.maxBytes = maxBytes;
        this.tooLargeMessage = tooLargeMessage;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        checkDeadline();
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted while reading the response body");
        }
        int n;
        try {
            n = in.read(b, off, len);
        } catch (SocketTimeoutException e) {
            throw new FetchException(timeoutMessage);
        } catch (IOException e) {
            checkDeadline();
            throw e;
        }
        if (n > 0) {
            bytesRead += n;
            if (bytesRead > maxBytes) {
                throw new FetchException(tooLargeMessage);
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] discard = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        int read = read(discard, 0, discard.length);
        return Math.max(read, 0);
    }

    private void checkDeadline() throws FetchException {
        if (System.nanoTime() - deadlineNanos >= 0) {
            throw new FetchException(timeoutMessage);
        }
    }
}
