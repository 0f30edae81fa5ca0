package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import newsagg.cache.CacheSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigTest {

    @Test
    void defaultsApplyWhenTheEnvironmentIsEmpty() {
        Config config = Config.fromEnvironment(Map.of());

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.listenAddress()).isEqualTo("127.0.0.1");
        assertThat(config.databaseUrl()).isEqualTo("jdbc:postgresql://localhost:5432/newsagg");
        assertThat(config.databaseUser()).isEqualTo("postgres");
        assertThat(config.databasePassword()).isNull();
        assertThat(config.databasePoolSize()).isEqualTo(10);
        assertThat(config.redisUrl()).hasToString("redis://localhost:6379");
        assertThat(config.cacheEnabled()).isTrue();
        assertThat(config.cacheNamespace()).isEqualTo("newsagg");
        assertThat(config.cacheNearTtl()).hasSeconds(2);
        assertThat(Config.fromEnvironment(Map.of("CACHE_NEAR_TTL", "0")).cacheNearTtl()).isZero();
        assertThat(config.adminToken()).isNull();
        assertThat(config.virtualThreads()).isEqualTo(Runtime.version().feature() >= 21);
        assertThat(config.feeds()).isEqualTo(new Config.Feeds(true, java.time.Duration.ofMinutes(15), 4, false, false));
    }

    @ParameterizedTest
    @CsvSource({"90s,90", "15m,900", "2h,7200", "PT30M,1800"})
    void pollIntervalsReadAsDurations(String value, long seconds) {
        assertThat(Config.fromEnvironment(Map.of("FEEDS_POLL_INTERVAL", value)).feeds().pollInterval())
                .hasSeconds(seconds);
    }

    @Test
    void platformThreadsCanAlwaysBeChosenAndVirtualOnesOnlyOnJava21() {
        assertThat(Config.fromEnvironment(Map.of("HTTP_THREADS", "platform")).virtualThreads()).isFalse();
        if (Runtime.version().feature() >= 21) {
            assertThat(Config.fromEnvironment(Map.of("HTTP_THREADS", "virtual")).virtualThreads()).isTrue();
        } else {
            assertThatThrownBy(() -> Config.fromEnvironment(Map.of("HTTP_THREADS", "virtual")))
                    .isInstanceOf(ConfigException.class).hasMessageStartingWith("HTTP_THREADS=virtual needs Java 21");
        }
    }

    @Test
    void postgresUrlsBecomeJdbcUrlsWithTheirCredentials() {
        Config config = Config.fromEnvironment(Map.of(
                "DATABASE_URL", "postgres://news%40agg:p%3Ass@db.internal:6543/news?sslmode=require"));

        assertThat(config.databaseUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/news?sslmode=require");
        assertThat(config.databaseUser()).isEqualTo("news@agg");
        assertThat(config.databasePassword()).isEqualTo("p:ss");
    }

    @Test
    void explicitCredentialsWinOverThoseInTheUrl() {
        Config config = Config.fromEnvironment(Map.of(
                "DATABASE_URL", "postgresql://url-user:url-pass@db/news",
                "DATABASE_USER", "env-user",
                "DATABASE_PASSWORD", "env-pass"));

        assertThat(config.databaseUrl()).isEqualTo("jdbc:postgresql://db:5432/news");
        assertThat(config.databaseUser()).isEqualTo("env-user");
        assertThat(config.databasePassword()).isEqualTo("env-pass");
    }

    @ParameterizedTest
    @ValueSource(strings = {"newsagg", "prod-eu", "team_2", "0abc"})
    void aNamespaceTheConfigAcceptsIsOneTheCacheAccepts(String namespace) {
        Config config = Config.fromEnvironment(Map.of("CACHE_NAMESPACE", namespace));

        assertThat(CacheSettings.defaults(config.redisUrl()).withNamespace(config.cacheNamespace()).namespace())
                .isEqualTo(namespace);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "PORT|http|PORT",
            "PORT|70000|PORT",
            "LISTEN_ADDRESS|localhost|LISTEN_ADDRESS",
            "LISTEN_ADDRESS|0177.0.0.1|LISTEN_ADDRESS",
            "LISTEN_ADDRESS|::g|LISTEN_ADDRESS",
            "DATABASE_POOL_SIZE|0|DATABASE_POOL_SIZE",
            "DATABASE_POOL_SIZE|many|DATABASE_POOL_SIZE",
            "DATABASE_URL|mysql://db/news|DATABASE_URL",
            "DATABASE_URL|postgres://db|DATABASE_URL",
            "REDIS_URL|http://localhost:6379|REDIS_URL",
            "CACHE_ENABLED|maybe|CACHE_ENABLED",
            "CACHE_NAMESPACE|a:b|CACHE_NAMESPACE",
            "CACHE_NAMESPACE|prod.eu|CACHE_NAMESPACE",
            "CACHE_NAMESPACE|Prod|CACHE_NAMESPACE",
            "CACHE_NEAR_TTL|5m|CACHE_NEAR_TTL",
            "ADMIN_TOKEN|short|ADMIN_TOKEN",
            "HTTP_THREADS|green|HTTP_THREADS",
            "FEEDS_POLL_INTERVAL|soon|FEEDS_POLL_INTERVAL",
            "FEEDS_POLL_INTERVAL|1s|FEEDS_POLL_INTERVAL",
            "FEEDS_POLL_INTERVAL|30d|FEEDS_POLL_INTERVAL",
            "FEEDS_WORKERS|0|FEEDS_WORKERS",
            "FEEDS_ALLOW_PRIVATE_NETWORKS|sometimes|FEEDS_ALLOW_PRIVATE_NETWORKS",
            "DEFAULT_SOURCES|2|DEFAULT_SOURCES",
    })
    void anInvalidValueIsRefusedWithAMessageNamingTheVariable(String name, String value, String named) {
        assertThatThrownBy(() -> Config.fromEnvironment(Map.of(name, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(named + " ")
                .hasMessageNotContaining("\n");
    }

    @ParameterizedTest
    @CsvSource({"0.0.0.0", "::", "192.0.2.7", "::1", "'  127.0.0.1 '"})
    void theListenAddressIsAnyIpLiteral(String value) {
        assertThat(Config.fromEnvironment(Map.of("LISTEN_ADDRESS", value)).listenAddress()).isEqualTo(value.strip());
        assertThat(Config.fromEnvironment(Map.of("LISTEN_ADDRESS", value)).describe()).contains("listen_address=" + value.strip());
    }

    @ParameterizedTest
    @CsvSource({"0.0.0.0, 127.0.0.1", "::, 127.0.0.1", "127.0.0.1, 127.0.0.1", "192.0.2.7, 192.0.2.7", "::1, [::1]"})
    void theHealthcheckCallsTheListenAddressOrLoopbackWhenItIsEveryInterface(String listen, String host) {
        assertThat(Config.fromEnvironment(Map.of("LISTEN_ADDRESS", listen)).localHost()).isEqualTo(host);
    }

    @Test
    void theDescriptionMasksEverySecret() {
        Config config = Config.fromEnvironment(Map.of(
                "DATABASE_URL", "postgres://user:db-secret@db/news",
                "REDIS_URL", "redis://:redis-secret@cache:6379",
                "ADMIN_TOKEN", "admin-secret-0123456789"));

        assertThat(config.describe())
                .doesNotContain("db-secret", "redis-secret", "admin-secret")
                .contains("admin_token=****", "database_password=****");
        assertThat(config.toString()).doesNotContain("db-secret", "redis-secret", "admin-secret");
    }

    @Test
    void aPasswordInAJdbcUrlIsMasked() {
        assertThat(Config.maskUrlPassword("jdbc:postgresql://db/news?user=u&password=hunter2&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/news?user=u&password=****&ssl=true");
    }

    @Test
    void corsIsOffUnlessOriginsAreConfigured() {
        assertThat(Config.fromEnvironment(Map.of()).corsOrigins()).isEmpty();
        assertThat(Config.fromEnvironment(Map.of("CORS_ORIGINS", " ")).corsOrigins()).isEmpty();
    }

    @Test
    void corsOriginsAreReadAsExactOriginsTheWayBrowsersSendThem() {
        Config config = Config.fromEnvironment(Map.of("CORS_ORIGINS",
                "https://news.example.com, http://localhost:3000,HTTPS://News.Example.com:443,http://[::1]:8080"));

        assertThat(config.corsOrigins()).containsExactly("https://news.example.com", "http://localhost:3000", "http://[::1]:8080");
        assertThat(config.describe()).contains("cors_origins=https://news.example.com,http://localhost:3000,http://[::1]:8080");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"*", "news.example.com", "https://news.example.com/",
            "https://news.example.com/app", "ftp://news.example.com", "https://user@news.example.com",
            "https://news.example.com?x=1", "https://news.example.com#top", "https://", "http:localhost", "https://ok.example.com,nope"})
    void aLooseCorsOriginIsAOneLineErrorNamingCorsOrigins(String value) {
        assertThatThrownBy(() -> Config.fromEnvironment(Map.of("CORS_ORIGINS", value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("CORS_ORIGINS must be")
                .hasMessageNotContaining("\n");
    }

    @Test
    void noProxyIsTrustedUnlessConfiguredAndBlocksAreCanonical() {
        assertThat(Config.fromEnvironment(Map.of()).trustedProxies()).isEmpty();
        assertThat(Config.fromEnvironment(Map.of("TRUSTED_PROXIES", "10.1.2.3/8, 192.168.0.7,2001:db8::1/32")).trustedProxies())
                .containsExactly("10.0.0.0/8", "192.168.0.7/32", "2001:db8:0:0:0:0:0:0/32");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"10.0.0.0/33", "127.1", "0x7f.0.0.1/8", "proxy.example.org", "10.0.0.0/-1", "::1/129"})
    void aBadTrustedProxyIsAOneLineErrorNamingTrustedProxies(String value) {
        assertThatThrownBy(() -> Config.fromEnvironment(Map.of("TRUSTED_PROXIES", value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("TRUSTED_PROXIES must be");
    }
}
