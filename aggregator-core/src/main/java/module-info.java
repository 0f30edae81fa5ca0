/**
 * The newsagg core: domain records, the ingestion pipeline (fetch, parse, normalize), JDBI persistence, queries and
 * the Flyway migrations. No web framework, no Redis. It exports what an embedder uses: {@code NewsCore} and its
 * options, the domain records, the queries, the stores and {@code DataSources}, the ingestion use cases
 * (subscriptions, ingester, poller, OPML) with the fetcher they are built from, and the stage-timing hook. The parser
 * and the normalizer stay inside: the ingester drives them. aggregator-bench benchmarks them directly, which works
 * because bench, like aggregator-http and the seeder, builds and runs on the class path, where exports do not apply.
 */
module newsagg.core {
    // In the API: NewsCore.open takes a javax.sql.DataSource, the stores a Jdbi, DataSources returns Hikari's pool.
    requires transitive java.sql;
    requires transitive org.jdbi.v3.core;
    requires transitive com.zaxxer.hikari;

    requires java.xml;
    requires org.jdbi.v3.postgres;
    requires org.postgresql.jdbc;
    // Flyway 13 ships neither a module-info nor an Automatic-Module-Name: this is the name derived from the jar's
    // file name (the compiler warns about it). flyway-database-postgresql is not required: Flyway finds it through
    // ServiceLoader, on the class path as on the module path.
    requires flyway.core;
    requires com.rometools.rome;
    requires org.jdom2;
    requires org.jsoup;
    requires com.fasterxml.jackson.databind;
    requires org.apache.httpcomponents.client5.httpclient5;
    requires org.apache.httpcomponents.core5.httpcore5;
    requires org.slf4j;

    exports newsagg.core;
    exports newsagg.core.domain;
    exports newsagg.core.ingest;
    exports newsagg.core.ingest.fetch;
    exports newsagg.core.query;
    exports newsagg.core.store;
    exports newsagg.core.timing;

    // Flyway lists and reads the SQL migrations through the class loader, which finds a named module's resources
    // only in open packages.
    opens newsagg.db.migration;
}
