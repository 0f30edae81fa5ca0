package newsagg.seed;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import newsagg.core.NewsCore;

/**
 * Measures a corpus load by hand: migrates the database at the JDBC URL given first, then runs {@link SeedCommand}
 * with the remaining arguments. See docs in the corpus report for the command; not run by the build.
 */
public final class SeedBench {

    private SeedBench() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: SeedBench JDBC_URL [seed options]");
            System.exit(2);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        config.setUsername(System.getProperty("db.user", "postgres"));
        config.setMaximumPoolSize(2);
        try (HikariDataSource ds = new HikariDataSource(config)) {
            NewsCore.migrate(ds);
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            System.exit(SeedCommand.run(rest, ds, System.out));
        }
    }
}
