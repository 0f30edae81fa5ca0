package newsagg.core.corpus;

/**
 * A corpus load failed or was refused; the message says why in one line. Nothing was changed: the load runs in one
 * transaction, which has been rolled back.
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
