package newsagg.seed;

/**
 * A corpus load failed or was refused; the message says why in one line. A refused load changed nothing; a failed one
 * left the tables empty with every index and constraint restored (see {@link CorpusLoader} for the one exception: a
 * restore that fails too stays recorded for the next load or newsagg seed).
 */
public final class CorpusLoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CorpusLoadException(String message) {
        super(message);
    }

    public CorpusLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
