package newsagg.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

import newsagg.cache.Codec;

/**
 * A cached response: its JSON body as it is served with its entity tag ({@link Representation}), the change sequence
 * it includes everything up to, and, for search, the {@link newsagg.core.query.NewsQueries.SearchSnapshot} (as JSON)
 * it can be brought up to date from. Stored as {@code seq (8 bytes) | tag length (1) | tag | body length (4) | body | state},
 * so that a hit copies the body out and neither parses nor hashes anything.
 */
record StoredAnswer(long seq, Representation answer, byte[] state) {

    static final Codec<StoredAnswer> CODEC = new Codec<>() {
        @Override
        public byte[] encode(StoredAnswer value) {
            byte[] tag = value.answer.etag().getBytes(StandardCharsets.US_ASCII);
            byte[] body = value.answer.body();
            return ByteBuffer.allocate(8 + 1 + tag.length + 4 + body.length + value.state.length)
                    .putLong(value.seq).put((byte) tag.length).put(tag)
                    .putInt(body.length).put(body).put(value.state).array();
        }

        @Override
        public StoredAnswer decode(byte[] bytes) {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            long seq = in.getLong();
            int tagLength = in.get() & 0xff;
            if (tagLength < 2 || tagLength + 4 > in.remaining()) {
                throw new IllegalArgumentException("stored answer tag length " + tagLength + " exceeds the entry");
            }
            String tag = new String(bytes, in.position(), tagLength, StandardCharsets.US_ASCII);
            in.position(in.position() + tagLength);
            int length = in.getInt();
            if (length < 0 || length > in.remaining()) {
                throw new IllegalArgumentException("stored answer body length " + length + " exceeds the entry");
            }
            int bodyStart = in.position();
            return new StoredAnswer(seq, new Representation(Arrays.copyOfRange(bytes, bodyStart, bodyStart + length), tag),
                    Arrays.copyOfRange(bytes, bodyStart + length, bytes.length));
        }
    };

    static final byte[] NO_STATE = new byte[0];

    StoredAnswer {
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(state, "state");
    }
}
