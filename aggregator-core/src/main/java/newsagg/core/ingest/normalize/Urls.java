package newsagg.core.ingest.normalize;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Resolves feed links. A link is kept only if, once resolved, it is an absolute http(s) URL with a
 * host; everything else ({@code javascript:}, {@code data:}, {@code mailto:}, junk) becomes null.
 * Feeds write URLs with spaces and raw non-ASCII, so those are percent-encoded before parsing.
 */
final class Urls {
    private static final int MAX_URL_CHARS = 4096;

    private Urls() {
    }

    /**
     * The base for an entry's relative links: the in-scope {@code xml:base} values applied in turn to
     * the feed URL (an empty or fragment-only {@code xml:base} adds nothing and is skipped), else the
     * site link, else the feed URL.
     */
    static URI entryBase(URI feedUrl, URI siteUrl, List<String> xmlBases) {
        URI base = feedUrl;
        boolean applied = false;
        for (String value : xmlBases) {
            String v = value.trim();
            if (v.isEmpty() || v.startsWith("#")) {
                continue;
            }
            URI next = resolveHttp(base, v);
            if (next != null) {
                base = next;
                applied = true;
            }
        }
        if (applied) {
            return base;
        }
        return siteUrl != null ? siteUrl : feedUrl;
    }

    /** Resolves {@code ref} against {@code base}; null unless the result is an http(s) URL with a host. */
    static URI resolveHttp(URI base, String ref) {
        if (ref == null) {
            return null;
        }
        String r = ref.strip();
        if (r.isEmpty() || r.length() > MAX_URL_CHARS) {
            return null;
        }
        URI parsed = parseLenient(r);
        if (parsed == null) {
            return null;
        }
        URI resolved;
        try {
            resolved = parsed.isAbsolute() || base == null ? parsed : withRootPath(base).resolve(parsed);
        } catch (IllegalArgumentException e) {
            return null;
        }
        String scheme = resolved.getScheme();
        if (scheme == null || resolved.getHost() == null) {
            return null;
        }
        String lower = scheme.toLowerCase(Locale.ROOT);
        return lower.equals("http") || lower.equals("https") ? resolved : null;
    }

    /** {@link URI#resolve} turns base {@code http://h} plus {@code x} into {@code http://hx}; a "/" path avoids that. */
    private static URI withRootPath(URI base) {
        if (base.getRawPath() == null || !base.getRawPath().isEmpty() || base.getRawAuthority() == null) {
            return base;
        }
        try {
            return new URI(base.getScheme() + "://" + base.getRawAuthority() + "/"
                    + (base.getRawQuery() != null ? "?" + base.getRawQuery() : ""));
        } catch (URISyntaxException e) {
            return base;
        }
    }

    private static URI parseLenient(String s) {
        try {
            return new URI(s);
        } catch (URISyntaxException e) {
            try {
                return new URI(encodeIllegal(s));
            } catch (URISyntaxException again) {
                return null;
            }
        }
    }

    private static String encodeIllegal(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean legal = c < 0x80 && c > 0x20 && "\"<>\\^`{|}".indexOf(c) < 0
                    && (c != '%' || isPercentEscape(s, i));
            if (legal) {
                out.append(c);
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
                for (byte b : s.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                            .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
                }
                i = end - 1;
            }
        }
        return out.toString();
    }

    private static boolean isPercentEscape(String s, int i) {
        return i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0 && Character.digit(s.charAt(i + 2), 16) >= 0;
    }
}
