package newsagg.http;

/**
 * An RFC 9457 problem document. {@code type} is a URN under {@code urn:newsagg:problem:}, so clients can
 * switch on it; {@code detail} is for humans and never carries a stack trace.
 */
public record Problem(String type, String title, int status, String detail) {

    static final String CONTENT_TYPE = "application/problem+json";

    static Problem of(String type, String title, int status, String detail) {
        return new Problem("urn:newsagg:problem:" + type, title, status, detail);
    }
}
