package newsagg.core.query;

/** A cursor that this listing did not produce: malformed, tampered with, or from another listing. */
public final class InvalidCursorException extends IllegalArgumentException {
    public InvalidCursorException(String message) {
        super(message);
    }
}
