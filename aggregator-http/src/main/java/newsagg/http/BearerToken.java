package newsagg.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A secret that protects some endpoints, checked against {@code Authorization: Bearer …} in constant time:
 * both sides are hashed to a fixed length first, so neither the content nor the length of the expected token
 * leaks through timing.
 */
final class BearerToken {

    private static final String PREFIX = "Bearer ";

    private final byte[] expectedDigest;

    BearerToken(String token) {
        this.expectedDigest = sha256(token);
    }

    /** True when the header carries exactly this token. */
    boolean matches(String authorizationHeader) {
        String presented = authorizationHeader != null && authorizationHeader.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                ? authorizationHeader.substring(PREFIX.length()).strip()
                : "";
        return MessageDigest.isEqual(expectedDigest, sha256(presented));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
