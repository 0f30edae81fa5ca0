package newsagg.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

import newsagg.cache.Codec;

/**
 * The exact bytes of a read answer and their strong entity tag (RFC 9110 §8.8.3), computed here and nowhere else:
 * {@code "} + base64url of the first 128 bits of the SHA-256 of the bytes + {@code "}. A cached answer stores the
 * tag beside its bytes ({@link #CODEC}), so a cache hit is served and revalidated without hashing anything. The
 * array is shared, never copied: nobody may modify it.
 */
record Representation(byte[] body, String etag) {

    /** Bits of the digest kept: far more than enough that two answers of one URL never share a tag. */
    static final int TAG_BYTES = 16;
    /** The first byte of a stored representation; a JSON text never starts with it. */
    static final byte FORMAT_MARKER = 1;

    /**
     * Stores the tag in front of the bytes: a marker byte that no JSON text starts with, one length byte, the tag
     * in ASCII, then the body. Anything else (bare JSON from before tags were stored) does not decode, which the
     * cache treats as a miss.
     */
    static final Codec<Representation> CODEC = new Codec<>() {
        @Override
        public byte[] encode(Representation value) {
            byte[] tag = value.etag().getBytes(StandardCharsets.US_ASCII);
            byte[] out = new byte[2 + tag.length + value.body().length];
            out[0] = FORMAT_MARKER;
            out[1] = (byte) tag.length;
            System.arraycopy(tag, 0, out, 2, tag.length);
            System.arraycopy(value.body(), 0, out, 2 + tag.length, value.body().length);
            return out;
        }

        @Override
        public Representation decode(byte[] bytes) {
            int tagLength = bytes.length < 2 ? 0 : bytes[1] & 0xff;
            if (bytes.length < 2 || bytes[0] != FORMAT_MARKER || tagLength < 2 || bytes.length < 2 + tagLength
                    || bytes[2] != '"' || bytes[1 + tagLength] != '"') {
                throw new IllegalArgumentException("not a stored representation");
            }
            return new Representation(Arrays.copyOfRange(bytes, 2 + tagLength, bytes.length),
                    new String(bytes, 2, tagLength, StandardCharsets.US_ASCII));
        }
    };

    Representation {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(etag, "etag");
    }

    /** The bytes with their tag, hashed now. */
    static Representation of(byte[] body) {
        byte[] digest = sha256().digest(body);
        return new Representation(body,
                '"' + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, TAG_BYTES)) + '"');
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
