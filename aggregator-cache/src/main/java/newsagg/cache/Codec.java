package newsagg.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * Turns a cached value into the bytes stored in Redis and back. {@link #bytes()} stores bytes as they are,
 * which is what the HTTP layer wants: it caches the serialized JSON body and writes it out again on a hit
 * without parsing it. Implementations must be thread-safe; {@code decode} may throw on bytes it cannot
 * read, and the cache then treats the entry as a miss.
 */
public interface Codec<T> {

    byte[] encode(T value);

    T decode(byte[] bytes);

    /** The identity codec: the bytes are the value. Callers must not modify an array they get or give. */
    static Codec<byte[]> bytes() {
        return Codecs.BYTES;
    }

    /** Text as UTF-8. */
    static Codec<String> utf8() {
        return Codecs.UTF8;
    }

    /** JSON through {@code mapper}, for a plain type. */
    static <T> Codec<T> json(ObjectMapper mapper, Class<T> type) {
        return new Codecs.Json<>(mapper.writerFor(type), mapper.readerFor(type));
    }

    /** JSON through {@code mapper}, for a generic type such as {@code List<Article>}. */
    static <T> Codec<T> json(ObjectMapper mapper, TypeReference<T> type) {
        return new Codecs.Json<>(mapper.writerFor(type), mapper.readerFor(type));
    }
}

/** The stock codecs behind {@link Codec}'s factories. */
final class Codecs {

    static final Codec<byte[]> BYTES = new Codec<>() {
        @Override
        public byte[] encode(byte[] value) {
            return value;
        }

        @Override
        public byte[] decode(byte[] bytes) {
            return bytes;
        }
    };

    static final Codec<String> UTF8 = new Codec<>() {
        @Override
        public byte[] encode(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    };

    private Codecs() {
    }

    static final class Json<T> implements Codec<T> {
        private final ObjectWriter writer;
        private final ObjectReader reader;

        Json(ObjectWriter writer, ObjectReader reader) {
            this.writer = writer;
            this.reader = reader;
        }

        @Override
        public byte[] encode(T value) {
            try {
                return writer.writeValueAsBytes(value);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public T decode(byte[] bytes) {
            try {
                return reader.readValue(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
