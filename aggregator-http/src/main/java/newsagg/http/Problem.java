package newsagg.http;

/**
 * An RFC 9457 problem document, as {@link ProblemType} makes it. {@code type} is a URN under
 * {@value ProblemType#URN_PREFIX}, so clients can switch on it; {@code detail} is for humans and never carries a
 * stack trace.
 */
public record Problem(String type, String title, int status, String detail) {

    static final String CONTENT_TYPE = "application/problem+json";
}
