package newsagg.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what {@link java.net.http.HttpClient} will not send: odd methods, raw bytes
 * in the request line, oversized header blocks and chunked bodies of a chosen size. Every request closes its
 * connection, so a response is read to the end of the stream.
 */
final class RawHttp {

    /** A parsed response: status, headers by lower-case name, body as text. */
    record Response(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {
    }

    /** Sends {@code head} (request line and headers, without the blank line), then {@code body} as given. */
    static Response send(int port, String head, byte[] body) {
        byte[] headBytes = (head + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            // Written from another thread while this one reads: the server may answer (413, 431) and stop reading
            // before it has all we send, and that answer must be read as it arrives.
            Thread writer = new Thread(() -> {
                try {
                    out.write(headBytes);
                    out.write(body);
                    out.flush();
                } catch (IOException refusedMidway) {
                    // The answer is what the test looks at.
                }
            }, "raw-http-writer");
            writer.start();
            Response response = parse(readResponse(socket.getInputStream()));
            writer.interrupt();
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Response send(int port, String head) {
        return send(port, head, new byte[0]);
    }

    /** {@code size} bytes of {@code a} in 64 KiB chunks with the terminating chunk: a body with no Content-Length. */
    static byte[] chunked(int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = "a".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        for (int left = size; left > 0; left -= chunk.length) {
            int n = Math.min(left, chunk.length);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(chunk, 0, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** Reads up to the end of the final response (by its Content-Length or chunked end), or the end of the stream. */
    private static byte[] readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; !complete(out.toByteArray()) && (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (IOException resetAfterAnswer) {
            if (out.size() == 0) {
                throw resetAfterAnswer;
            }
        }
        return out.toByteArray();
    }

    private static boolean complete(byte[] raw) {
        String text = finalResponse(new String(raw, StandardCharsets.ISO_8859_1));
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String head = text.substring(0, end).toLowerCase(Locale.ROOT);
        String body = text.substring(end + 4);
        if (head.contains("\r\ntransfer-encoding: chunked")) {
            return body.endsWith("0\r\n\r\n");
        }
        int at = head.indexOf("\r\ncontent-length:");
        if (at < 0) {
            return false;
        }
        int lineEnd = head.indexOf("\r\n", at + 2);
        long length = Long.parseLong(head.substring(at + "\r\ncontent-length:".length(), lineEnd < 0 ? head.length() : lineEnd).strip());
        return body.length() >= length;
    }

    /** Skips interim 1xx answers (100 Continue) to the final one. */
    private static String finalResponse(String text) {
        while (text.startsWith("HTTP/1.1 1") && text.contains("\r\n\r\n")) {
            text = text.substring(text.indexOf("\r\n\r\n") + 4);
        }
        return text;
    }

    private static Response parse(byte[] raw) {
        String text = finalResponse(new String(raw, StandardCharsets.ISO_8859_1));
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IllegalStateException("no complete response: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.merge(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip(),
                    (a, b) -> a + ", " + b);
        }
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Response(status, headers, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, lineEnd).split(";")[0].strip(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(body, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
