package newsagg.core.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The feeds a fresh installation starts with: a dozen well-known public news feeds bundled as {@value #RESOURCE}.
 * {@link Subscriptions#importDefaultsIfEmpty} adds them only when there are no sources at all, so an operator who
 * deleted them does not get them back on the next start. Their URLs are checked for syntax only (they are newsagg's
 * own list); the fetcher still applies its network policy to every fetch.
 */
public final class DefaultSources {

    /** The classpath resource holding the default list. */
    public static final String RESOURCE = "/newsagg/default-sources.opml";

    private DefaultSources() {
    }

    /** The bundled list. */
    public static OpmlDocument document() {
        try (InputStream in = DefaultSources.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return Opml.parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        } catch (OpmlException e) {
            throw new IllegalStateException(RESOURCE + " is broken: " + e.getMessage());
        }
    }
}
