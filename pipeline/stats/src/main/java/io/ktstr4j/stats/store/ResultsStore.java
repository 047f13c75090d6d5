package io.ktstr4j.stats.store;

import io.ktstr4j.schemas.json.Json;
import io.ktstr4j.schemas.metric.MetricDef;
import io.ktstr4j.schemas.metric.MetricRegistry;
import io.ktstr4j.schemas.report.Polarity;
import io.ktstr4j.schemas.sidecar.HostContext;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.stats.Dimension;
import io.ktstr4j.stats.Trial;
import io.ktstr4j.stats.Trials;
import io.ktstr4j.stats.VariantDims;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The results store over JDBC: every trial once (by its natural key, {@link Trials#naturalKey}), with its full
 * sidecar, its dimensions and its metric values (schema: {@link StoreSchema}). Nothing is held open between calls:
 * each call opens a connection, works in one transaction and closes, so several processes share one DuckDB file
 * (a call that finds the file locked by another process retries, {@link LockRetry}).
 */
public final class ResultsStore {

    /** How long a call waits for another process's lock on a DuckDB file. */
    public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(60);

    /** Rows per INSERT: far below PostgreSQL's 65 535 parameters for the widest table. */
    private static final int CHUNK = 400;

    /** One in-process lock per location: connections of one JVM queue here instead of retrying on the file lock. */
    private static final Map<String, ReentrantLock> LOCAL = new ConcurrentHashMap<>();

    private final StoreLocation location;
    private final LockRetry retry;
    /** The tables exist: created (or found) by this store's first write, not checked again on every write. */
    private volatile boolean schemaReady;

    private ResultsStore(StoreLocation location, Duration lockWait) {
        this.location = location;
        this.retry = new LockRetry(lockWait);
    }

    /** The store at a location ({@link StoreLocation.None} has none). */
    public static ResultsStore at(StoreLocation location) {
        return at(location, DEFAULT_LOCK_WAIT);
    }

    public static ResultsStore at(StoreLocation location, Duration lockWait) {
        if (location instanceof StoreLocation.None) {
            throw new IllegalArgumentException("--results-store none: there is no store");
        }
        return new ResultsStore(location, lockWait);
    }

    public StoreLocation location() {
        return location;
    }

    /** Stores the results it does not have yet, in one transaction. */
    public IngestResult ingest(List<SidecarResult> results) throws SQLException {
        if (results.isEmpty()) {
            return new IngestResult(0, 0);
        }
        List<Row> rows = new ArrayList<>();
        Set<Long> batch = new HashSet<>();
        int dupInBatch = 0;
        for (SidecarResult r : results) {
            Row row = Row.of(r);
            if (batch.add(row.trialId)) {
                rows.add(row);
            } else {
                dupInBatch++;
            }
        }
        int stored = withConnection(false, c -> {
            if (!schemaReady) {
                StoreSchema.ensure(c);
                schemaReady = true;
            }
            c.setAutoCommit(false);
            try {
                insertVariants(c, rows);
                Set<Long> inserted = insertTrials(c, rows);
                insertPayload(c, rows, inserted);
                c.commit();
                return inserted.size();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        });
        return new IngestResult(stored, results.size() - stored);
    }

    /** How many trials the store holds (0 when the file does not exist yet). */
    public long count() throws SQLException {
        return withConnection(true, c -> {
            if (c == null || !StoreSchema.exists(c)) {
                return 0L;
            }
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM trials")) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    /** Every trial, with its metric values ({@code withPayload}: also the payload metrics). */
    public List<Trial> trials(boolean withPayload) throws SQLException {
        return withConnection(true, c -> c == null || !StoreSchema.exists(c) ? List.of() : read(c, withPayload));
    }

    /**
     * How long the most recent {@code limit} results ran, by variant key (a trial's or retry's {@code #…} suffix cut):
     * wall milliseconds, newest first. What a gauntlet's budget estimates from.
     */
    public Map<String, List<Long>> pastDurations(int limit) throws SQLException {
        return withConnection(true, c -> {
            Map<String, List<Long>> out = new java.util.HashMap<>();
            if (c == null || !StoreSchema.exists(c)) {
                return out;
            }
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT sidecar_json FROM trials ORDER BY ts_ms DESC LIMIT ?")) {
                p.setInt(1, limit);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        com.fasterxml.jackson.databind.JsonNode n = io.ktstr4j.schemas.json.Json.readTree(r.getString(1),
                                "results store");
                        String key = n.path("variant_key").asText(null);
                        long ms = n.path("duration_ms").asLong(-1);
                        if (key != null && ms > 0) {
                            int hash = key.indexOf('#');
                            out.computeIfAbsent(hash < 0 ? key : key.substring(0, hash), k -> new ArrayList<>()).add(ms);
                        }
                    }
                }
            }
            return out;
        });
    }

    /** The stored sidecar of a trial, or null. */
    public String sidecarJson(long trialId) throws SQLException {
        return withConnection(true, c -> {
            if (c == null || !StoreSchema.exists(c)) {
                return null;
            }
            try (PreparedStatement p = c.prepareStatement("SELECT sidecar_json FROM trials WHERE trial_id = ?")) {
                p.setLong(1, trialId);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? r.getString(1) : null;
                }
            }
        });
    }

    // ---- connections ---------------------------------------------------------------------------------------------

    private interface ConnectionWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs work on a fresh connection (null for a read of a DuckDB file that does not exist), retrying on locks. */
    private <T> T withConnection(boolean readOnly, ConnectionWork<T> work) throws SQLException {
        // keyed by the file itself: two spellings of one path must share the lock (DuckDB's file lock does not
        // exclude within one process)
        String key = location instanceof StoreLocation.DuckDbFile f ? f.file().toAbsolutePath().normalize().toString()
                : location.describe();
        ReentrantLock local = LOCAL.computeIfAbsent(key, k -> new ReentrantLock());
        local.lock();
        try {
            return retry.run(location.describe(), () -> {
                try (Connection c = open(readOnly)) {
                    return work.run(c);
                }
            });
        } finally {
            local.unlock();
        }
    }

    private Connection open(boolean readOnly) throws SQLException {
        if (location instanceof StoreLocation.DuckDbFile f) {
            Path file = f.file().toAbsolutePath();
            if (readOnly && !Files.exists(file)) {
                return null;
            }
            Properties p = new Properties();
            if (readOnly) {
                p.setProperty("duckdb.read_only", "true");
            } else {
                try {
                    Files.createDirectories(file.getParent());
                } catch (java.io.IOException e) {
                    throw new SQLException("cannot create " + file.getParent() + ": " + e.getMessage(), e);
                }
            }
            return DriverManager.getConnection("jdbc:duckdb:" + file, p);
        }
        Connection c = DriverManager.getConnection(((StoreLocation.JdbcUrl) location).url());
        c.setReadOnly(readOnly);
        return c;
    }

    // ---- writing -------------------------------------------------------------------------------------------------

    /** One result, laid out for the tables. */
    private record Row(long trialId, String naturalKey, SidecarResult result, Trial trial, long variantId,
                       String hostJson) {
        static Row of(SidecarResult r) {
            Trial t = Trials.of(r);
            String key = Trials.naturalKey(r);
            String host = r.host() == null ? null : Json.write(r.host());
            return new Row(t.id(), key, r, t, ResultsStore.variantId(t), host);
        }
    }

    static long variantId(Trial t) {
        StringBuilder sb = new StringBuilder(t.testName());
        for (Dimension d : StoreSchema.VARIANT_DIMS) {
            sb.append('\u0000').append(t.variant().get(d));
        }
        sb.append('\u0000').append(t.variant().variantExtra()).append('\u0000')
                .append(t.variantKey() == null ? "" : t.variantKey());
        return Trials.id(sb.toString());
    }

    private static void insertVariants(Connection c, List<Row> rows) throws SQLException {
        Map<Long, Row> distinct = new LinkedHashMap<>();
        rows.forEach(r -> distinct.putIfAbsent(r.variantId, r));
        List<Row> list = new ArrayList<>(distinct.values());
        int cols = 3 + StoreSchema.VARIANT_DIMS.size() + 1;
        for (int from = 0; from < list.size(); from += CHUNK) {
            List<Row> chunk = list.subList(from, Math.min(list.size(), from + CHUNK));
            try (PreparedStatement p = c.prepareStatement("INSERT INTO variants (" + StoreSchema.VARIANT_COLUMNS
                    + ") VALUES " + placeholders(chunk.size(), cols) + " ON CONFLICT DO NOTHING")) {
                int i = 1;
                for (Row r : chunk) {
                    p.setLong(i++, r.variantId);
                    p.setString(i++, r.trial.testName());
                    p.setString(i++, r.trial.variantKey());
                    for (Dimension d : StoreSchema.VARIANT_DIMS) {
                        String v = r.trial.variant().get(d);
                        p.setString(i++, v.equals(Dimension.ABSENT) ? null : v);
                    }
                    p.setString(i++, r.trial.variant().variantExtra());
                }
                p.executeUpdate();
            }
        }
    }

    /** Inserts the trials the store lacks; returns their ids (RETURNING: what ON CONFLICT did not skip). */
    private static Set<Long> insertTrials(Connection c, List<Row> rows) throws SQLException {
        Set<Long> inserted = new HashSet<>();
        List<MetricDef> metrics = MetricRegistry.registry();
        int cols = StoreSchema.TRIAL_FIXED_COLUMNS.size() + metrics.size();
        long now = System.currentTimeMillis();
        for (int from = 0; from < rows.size(); from += CHUNK) {
            List<Row> chunk = rows.subList(from, Math.min(rows.size(), from + CHUNK));
            try (PreparedStatement p = c.prepareStatement("INSERT INTO trials (" + StoreSchema.trialColumns()
                    + ") VALUES " + placeholders(chunk.size(), cols) + " ON CONFLICT DO NOTHING RETURNING trial_id")) {
                int i = 1;
                for (Row r : chunk) {
                    SidecarResult s = r.result;
                    p.setLong(i++, r.trialId);
                    p.setString(i++, r.naturalKey);
                    p.setString(i++, s.runId());
                    p.setLong(i++, Trials.id(s.runId()));
                    p.setLong(i++, r.variantId);
                    p.setString(i++, s.testName());
                    p.setString(i++, s.effectiveOutcome().name());
                    p.setString(i++, s.timestamp());
                    p.setLong(i++, r.trial.timestampMs());
                    p.setString(i++, r.trial.day());
                    p.setString(i++, Trials.hostLabel(s.host()));
                    if (r.hostJson == null) {
                        p.setNull(i++, java.sql.Types.BIGINT);
                    } else {
                        p.setLong(i++, Trials.id(r.hostJson));
                    }
                    p.setString(i++, r.hostJson);
                    p.setLong(i++, now);
                    p.setString(i++, Json.write(s));
                    for (int m = 0; m < metrics.size(); m++) {
                        double v = r.trial.values()[m];
                        if (Double.isNaN(v)) {
                            p.setNull(i++, java.sql.Types.DOUBLE);
                        } else {
                            p.setDouble(i++, v);
                        }
                    }
                }
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        inserted.add(rs.getLong(1));
                    }
                }
            }
        }
        return inserted;
    }

    private static void insertPayload(Connection c, List<Row> rows, Set<Long> inserted) throws SQLException {
        List<Object[]> values = new ArrayList<>();
        for (Row r : rows) {
            if (!inserted.contains(r.trialId)) {
                continue;
            }
            for (MetricRegistry.PayloadValue v : r.trial.payload()) {
                values.add(new Object[] {r.trialId, v.def().name(), v.value(), Json.write(v.def().polarity()),
                        v.def().unit()});
            }
        }
        for (int from = 0; from < values.size(); from += CHUNK) {
            List<Object[]> chunk = values.subList(from, Math.min(values.size(), from + CHUNK));
            try (PreparedStatement p = c.prepareStatement("INSERT INTO payload_values (trial_id, metric, value, "
                    + "polarity, unit) VALUES " + placeholders(chunk.size(), 5))) {
                int i = 1;
                for (Object[] v : chunk) {
                    p.setLong(i++, (Long) v[0]);
                    p.setString(i++, (String) v[1]);
                    p.setDouble(i++, (Double) v[2]);
                    p.setString(i++, (String) v[3]);
                    p.setString(i++, (String) v[4]);
                }
                p.executeUpdate();
            }
        }
    }

    private static String placeholders(int rows, int cols) {
        String one = "(" + "?, ".repeat(cols - 1) + "?)";
        StringBuilder sb = new StringBuilder(rows * (one.length() + 2));
        for (int r = 0; r < rows; r++) {
            sb.append(r == 0 ? "" : ", ").append(one);
        }
        return sb.toString();
    }

    // ---- reading -------------------------------------------------------------------------------------------------

    /**
     * Reads every trial. Strings are slow through JDBC, so the trial rows are read as numbers (ids, time, outcome
     * code, metric values) and the few distinct strings (variants, runs, hosts) once each.
     */
    private static List<Trial> read(Connection c, boolean withPayload) throws SQLException {
        Map<Long, VariantDims> variants = new HashMap<>();
        Map<Long, String> variantKeys = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT " + StoreSchema.VARIANT_COLUMNS
                + " FROM variants")) {
            while (r.next()) {
                Map<Dimension, String> dims = new EnumMap<>(Dimension.class);
                int i = 4;
                for (Dimension d : StoreSchema.VARIANT_DIMS) {
                    dims.put(d, r.getString(i++));
                }
                variants.put(r.getLong(1), new VariantDims(r.getString(2), dims, r.getString(i)));
                variantKeys.put(r.getLong(1), r.getString(3));
            }
        }
        Map<Long, String> runs = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT DISTINCT run_key, run_id FROM trials")) {
            while (r.next()) {
                runs.put(r.getLong(1), r.getString(2));
            }
        }
        Map<Long, HostContext> hosts = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                "SELECT DISTINCT host_key, host_json FROM trials WHERE host_key IS NOT NULL")) {
            while (r.next()) {
                hosts.put(r.getLong(1), Json.read(r.getString(2), HostContext.class, "store host_json"));
            }
        }
        Map<Long, List<MetricRegistry.PayloadValue>> payload = withPayload ? payload(c) : Map.of();
        List<MetricDef> metrics = MetricRegistry.registry();
        Outcome[] outcomes = Outcome.values();
        List<Trial> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT trial_id, run_key, variant_id, "
                + "host_key, ts_ms, " + StoreSchema.outcomeCode() + ", " + StoreSchema.metricColumns()
                + " FROM trials")) {
            while (r.next()) {
                long id = r.getLong(1);
                long runKey = r.getLong(2);
                long variantId = r.getLong(3);
                long hostKey = r.getLong(4);
                boolean noHost = r.wasNull();
                long ts = r.getLong(5);
                int outcome = r.getInt(6);
                double[] values = new double[metrics.size()];
                for (int m = 0; m < values.length; m++) {
                    double v = r.getDouble(7 + m);
                    values[m] = r.wasNull() ? Double.NaN : v;
                }
                out.add(new Trial(id, runs.get(runKey), variantKeys.get(variantId), variants.get(variantId), ts,
                        outcomes[outcome], noHost ? null : hosts.get(hostKey), values,
                        payload.getOrDefault(id, List.of())));
            }
        }
        return out;
    }

    private static Map<Long, List<MetricRegistry.PayloadValue>> payload(Connection c) throws SQLException {
        Map<Long, List<MetricRegistry.PayloadValue>> out = new HashMap<>();
        Map<String, Polarity> polarities = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                "SELECT trial_id, metric, value, polarity, unit FROM payload_values")) {
            while (r.next()) {
                Polarity pol = polarities.computeIfAbsent(r.getString(4),
                        j -> Json.read(j, Polarity.class, "store payload_values.polarity"));
                out.computeIfAbsent(r.getLong(1), k -> new ArrayList<>()).add(new MetricRegistry.PayloadValue(
                        MetricRegistry.payload(r.getString(2), pol, r.getString(5)), r.getDouble(3)));
            }
        }
        return out;
    }
}
