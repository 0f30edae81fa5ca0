package newsagg.core.ingest.fetch;

import java.io.IOException;

/** A fetch stopped by one of our own rules (a limit, a deadline, a bad encoding); its message is for people. */
final class FetchException extends IOException {
    private static final long serialVersionUID = 1L;

    FetchException(String message) {
        super(message);
    }
}
