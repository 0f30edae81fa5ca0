package newsagg.cache.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

import newsagg.cache.RedisEndpoint;
import redis.embedded.core.ExecutableProvider;

/**
 * A private {@code redis-server} child process on a port of its own, which a test may kill and restart. The binary
 * is the {@code redis-server} on PATH, else the one that {@code com.github.codemonstur:embedded-redis} ships (Redis
 * 6.2 for linux-amd64), so that a machine with only a JDK runs these tests too. Which one is used is printed once.
 */
public final class RedisServerProcess implements AutoCloseable {

    private final int port;
    private Process process;

    public RedisServerProcess(int port) {
        this.port = port;
    }

    public URI url() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    /** Starts the server and waits until it answers PING. */
    public void start() {
        try {
            process = new ProcessBuilder(Binary.PATH.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(Binary.PATH + " could not be started", e);
        }
        RedisEndpoint endpoint = new RedisEndpoint(url());
        if (!Poll.until(() -> endpoint.ping(Duration.ofMillis(200)), Duration.ofSeconds(10))) {
            kill();
            throw new IllegalStateException("redis-server on port " + port + " did not answer PING");
        }
    }

    /** SIGKILL, as a crash would; waits for the process to be gone. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        kill();
    }

    /** The binary, found on first use (lazy holder: extracting it from the jar is only worth it when needed). */
    private static final class Binary {

        static final Path PATH = locate();

        private static Path locate() {
            Optional<Path> onPath = onPath("redis-server");
            if (onPath.isPresent()) {
                System.out.println("[test-redis] private servers run " + onPath.get() + " (on PATH)");
                return onPath.get();
            }
            try {
                File extracted = ExecutableProvider.newJarResourceProvider().get();
                System.out.println("[test-redis] private servers run " + extracted
                        + " (no redis-server on PATH: the binary from com.github.codemonstur:embedded-redis)");
                return extracted.toPath();
            } catch (IOException e) {
                throw new UncheckedIOException("no redis-server on PATH and embedded-redis could not extract its own", e);
            }
        }

        private static Optional<Path> onPath(String name) {
            String path = System.getenv("PATH");
            if (path == null) {
                return Optional.empty();
            }
            for (String directory : path.split(Pattern.quote(File.pathSeparator))) {
                if (directory.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(directory, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
            return Optional.empty();
        }
    }
}
