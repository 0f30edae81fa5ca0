package newsagg.cache;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

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
