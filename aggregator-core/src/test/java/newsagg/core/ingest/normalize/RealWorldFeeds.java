package newsagg.core.ingest.normalize;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** The shared real-world feed corpus ({@code shared/feeds}), read the way the fetcher would hand it over. */
public final class RealWorldFeeds {
    /** One MANIFEST.tsv row; {@code items} is -1 for files that are not well-formed feeds. */
    public record Entry(String file, String format, int items, String firstTitle, String note) {
        public boolean gzipped() {
            return note.contains("gzip body");
        }

        public boolean wellFormedFeed() {
            return items >= 0;
        }

        /** The file's bytes as stored (still gzipped for the gzip entries). */
        public byte[] rawBody() {
            try {
                return Files.readAllBytes(root().resolve("real-world").resolve(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public byte[] body() {
            try {
                byte[] raw = rawBody();
                if (!gzipped()) {
                    return raw;
                }
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                    return in.readAllBytes();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private RealWorldFeeds() {
    }

    public static Path root() {
        for (Path candidate : List.of(Path.of("..", "..", "shared", "feeds"), Path.of("..", "shared", "feeds"))) {
            if (Files.isRegularFile(candidate.resolve("MANIFEST.tsv"))) {
                return candidate;
            }
        }
        return null;
    }

    /** The manifest rows; skips the calling test when the corpus is not present. */
    public static List<Entry> manifest() {
        Path root = root();
        assumeTrue(root != null, "shared/feeds corpus not found at ../../shared/feeds or ../shared/feeds: skipping");
        try {
            List<Entry> out = new ArrayList<>();
            List<String> lines = Files.readAllLines(root.resolve("MANIFEST.tsv"), StandardCharsets.UTF_8);
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                int items = f[2].equals("-") ? -1 : Integer.parseInt(f[2]);
                out.add(new Entry(f[0], f[1], items, f[3], f.length > 4 ? f[4] : ""));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Entry get(String file) {
        return manifest().stream().filter(e -> e.file().equals(file)).findFirst()
                .orElseThrow(() -> new AssertionError(file + " is not in MANIFEST.tsv"));
    }
}
