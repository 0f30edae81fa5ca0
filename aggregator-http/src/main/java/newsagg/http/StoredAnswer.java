package newsagg.http;

import java.nio.ByteBuffer;
import java.util.Arrays;

import newsagg.cache.Codec;

/**
 * A cached response: its JSON body as it is served, the change sequence it includes everything up to, and, for
 * search, the {@link newsagg.core.query.SearchSnapshot} (as JSON) it can be brought up to date from. Stored as
 * {@code seq (8 bytes) | body length (4) | body | state}, so that a hit copies the body out and parses nothing.
 */
record StoredAnswer(long seq, byte[] body, byte[] state) {

    static final Codec<StoredAnswer> CODEC = new Codec<>() {
        @Override
        public byte[] encode(StoredAnswer value) {
            return ByteBuffer.allocate(12 + value.body.length + value.state.length)
                    .putLong(value.seq).putInt(value.body.length).put(value.body).put(value.state).array();
        }

        @Override
        public StoredAnswer decode(byte[] bytes) {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            long seq = in.getLong();
            int length = in.getInt();
            if (length < 0 || length > in.remaining()) {
                throw new IllegalArgumentException("stored answer body length " + length + " exceeds the entry");
            }
            return new StoredAnswer(seq, Arrays.copyOfRange(bytes, 12, 12 + length),
                    Arrays.copyOfRange(bytes, 12 + length, bytes.length));
        }
    };

    static final byte[] NO_STATE = new byte[0];
}
