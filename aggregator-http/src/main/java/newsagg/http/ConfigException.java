package newsagg.http;

/** A configuration value that cannot be used. The message names the environment variable and says why. */
final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
