package io.ktstr4j.stats.store;

import io.ktstr4j.schemas.metric.MetricDef;
import io.ktstr4j.schemas.metric.MetricRegistry;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.stats.Dimension;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The store's tables, in SQL that DuckDB and PostgreSQL both take.
 *
 * <ul>
 * <li>{@code variants}: one row per distinct tuple of test name, variant key and dimensions (all but run and date),
 * id {@code variant_id} (64 bits of SHA-256 of the tuple, so every process computes the same id unaided).</li>
 * <li>{@code trials}: one row per result, id {@code trial_id} (64 bits of SHA-256 of the natural key run id +
 * variant + timestamp; the primary key makes a second ingest a no-op), with the run, outcome, time, host, the full
 * sidecar JSON and one column per registry metric (NULL where absent).</li>
 * <li>{@code payload_values}: the payload metrics, one row per trial and metric (their names are open-ended).</li>
 * </ul>
 *
 * <p>Registry metrics are columns, not rows of a long table: reading 100 000 trials' 19 values through JDBC took
 * 2.5–3.8 s as 1.9 M long rows and about 0.1 s as columns, and the registry is fixed in code. A metric added to the
 * registry becomes a column at the next write ({@code ALTER TABLE ... ADD COLUMN}).
 */
final class StoreSchema {

    /** The dimensions a variants row holds, in column order. */
    static final List<Dimension> VARIANT_DIMS = List.of(Dimension.KERNEL, Dimension.SCHEDULER, Dimension.TOPOLOGY,
            Dimension.WORK_TYPE, Dimension.PROJECT_COMMIT, Dimension.KERNEL_COMMIT, Dimension.RUN_SOURCE,
            Dimension.FLAGS, Dimension.BACKEND);

    static final String VARIANT_COLUMNS = "variant_id, test_name, variant_key, "
            + VARIANT_DIMS.stream().map(Dimension::key).collect(Collectors.joining(", ")) + ", variant_extra";

    static final List<String> TRIAL_FIXED_COLUMNS = List.of("trial_id", "natural_key", "run_id", "run_key",
            "variant_id", "test_name", "outcome", "ts", "ts_ms", "day", "host", "host_key", "host_json",
            "ingested_ms", "sidecar_json");

    /** The schema's version, in {@code ktstr4j_meta}. */
    static final String VERSION = "1";

    private StoreSchema() {
    }

    static String trialColumns() {
        return String.join(", ", TRIAL_FIXED_COLUMNS) + ", " + metricColumns();
    }

    static String metricColumns() {
        return MetricRegistry.registry().stream().map(MetricDef::name).collect(Collectors.joining(", "));
    }

    /** The outcome as its ordinal, computed by the database (a number reads faster than a string). */
    static String outcomeCode() {
        StringBuilder sb = new StringBuilder("CASE outcome");
        for (Outcome o : Outcome.values()) {
            sb.append(" WHEN '").append(o.name()).append("' THEN ").append(o.ordinal());
        }
        return sb.append(" END").toString();
    }

    /** Whether the tables exist (a store file another version created, or none yet). */
    static boolean exists(Connection c) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        for (String name : List.of("trials", "TRIALS")) {
            try (ResultSet r = md.getTables(null, null, name, null)) {
                if (r.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Creates what is missing: the tables, a registry metric's column. */
    static void ensure(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS ktstr4j_meta (name VARCHAR(64) PRIMARY KEY, val VARCHAR(256))");
            s.execute("CREATE TABLE IF NOT EXISTS variants (variant_id BIGINT PRIMARY KEY, test_name VARCHAR NOT NULL, "
                    + "variant_key VARCHAR, " + VARIANT_DIMS.stream().map(d -> d.key() + " VARCHAR")
                    .collect(Collectors.joining(", ")) + ", variant_extra VARCHAR)");
            s.execute("CREATE TABLE IF NOT EXISTS trials (trial_id BIGINT PRIMARY KEY, natural_key VARCHAR NOT NULL, "
                    + "run_id VARCHAR NOT NULL, run_key BIGINT NOT NULL, variant_id BIGINT NOT NULL, "
                    + "test_name VARCHAR NOT NULL, outcome VARCHAR(16) NOT NULL, ts VARCHAR NOT NULL, "
                    + "ts_ms BIGINT NOT NULL, day VARCHAR(10) NOT NULL, host VARCHAR, host_key BIGINT, "
                    + "host_json VARCHAR, ingested_ms BIGINT NOT NULL, sidecar_json VARCHAR NOT NULL, "
                    + MetricRegistry.registry().stream().map(m -> m.name() + " DOUBLE PRECISION")
                    .collect(Collectors.joining(", ")) + ")");
            s.execute("CREATE TABLE IF NOT EXISTS payload_values (trial_id BIGINT NOT NULL, metric VARCHAR NOT NULL, "
                    + "value DOUBLE PRECISION NOT NULL, polarity VARCHAR NOT NULL, unit VARCHAR)");
            Set<String> have = new HashSet<>();
            try (ResultSet r = s.executeQuery("SELECT * FROM trials WHERE 1 = 0")) {
                ResultSetMetaData md = r.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    have.add(md.getColumnName(i).toLowerCase(Locale.ROOT));
                }
            }
            for (MetricDef m : MetricRegistry.registry()) {
                if (!have.contains(m.name())) {
                    s.execute("ALTER TABLE trials ADD COLUMN " + m.name() + " DOUBLE PRECISION");
                }
            }
            try (ResultSet r = s.executeQuery("SELECT val FROM ktstr4j_meta WHERE name = 'schema_version'")) {
                if (!r.next()) {
                    s.execute("INSERT INTO ktstr4j_meta (name, val) VALUES ('schema_version', '" + VERSION
                            + "') ON CONFLICT DO NOTHING");
                } else if (!VERSION.equals(r.getString(1))) {
                    throw new SQLException("the store's schema_version is " + r.getString(1) + ", this ktstr4j "
                            + "writes " + VERSION);
                }
            }
        }
    }
}
