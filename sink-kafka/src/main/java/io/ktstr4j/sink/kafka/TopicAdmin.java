package io.ktstr4j.sink.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Checks that a cluster answers, and creates ktstr4j's topics that are missing. Blocking: call off Reactor threads. */
public final class TopicAdmin implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);
    private final Admin admin;
    private final String bootstrap;
    private final Duration timeout;

    public TopicAdmin(String bootstrap, Map<String, String> clientProperties, Duration timeout) {
        this.bootstrap = bootstrap;
        this.timeout = timeout;
        Map<String, Object> p = new HashMap<>();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        int t = (int) Math.max(1000, timeout.toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, t);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, t);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "ktstr4j-admin");
        p.putAll(clientProperties);
        try {
            this.admin = Admin.create(p);
        } catch (RuntimeException e) {
            throw new KafkaUnavailableException("cannot connect to Kafka at '" + bootstrap + "': " + e.getMessage()
                    + hint(), e);
        }
    }

    /** Number of brokers; throws {@link KafkaUnavailableException} if none answers within the timeout. */
    public int brokers() {
        return brokers(timeout);
    }

    /** Like {@link #brokers()} with its own timeout. */
    public int brokers(Duration timeout) {
        try {
            return admin.describeCluster().nodes().get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS).size();
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException("Kafka at '" + bootstrap + "' is unreachable: no broker answered within "
                    + timeout.toSeconds() + " s" + hint(), e);
        } catch (ExecutionException e) {
            throw new KafkaUnavailableException("Kafka at '" + bootstrap + "' is unreachable: "
                    + e.getCause().getMessage() + hint(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while contacting Kafka at '" + bootstrap + "'", e);
        }
    }

    /** Creates the layout's missing topics (replication factor min(3, brokers)); returns the names it created. */
    public List<String> ensureTopics(TopicLayout layout) {
        int brokers = brokers();
        short rf = (short) Math.min(3, Math.max(1, brokers));
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> create = new ArrayList<>();
            layout.topics().forEach((name, spec) -> {
                if (!existing.contains(name)) {
                    create.add(new NewTopic(name, spec.partitions(), rf).configs(spec.configs()));
                }
            });
            List<String> created = new ArrayList<>();
            for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> f
                    : admin.createTopics(create).values().entrySet()) {
                try {
                    f.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    created.add(f.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) { // another publisher was faster
                        throw new KafkaUnavailableException("cannot create topic " + f.getKey() + " on '" + bootstrap
                                + "': " + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            awaitLeaders(created);
            return created;
        } catch (ExecutionException e) {
            throw new KafkaUnavailableException("cannot list topics on '" + bootstrap + "': "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException("Kafka at '" + bootstrap + "' did not answer a topic request within "
                    + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while creating topics on '" + bootstrap + "'", e);
        }
    }

    /**
     * Waits (within the timeout) until every partition of the new topics has a leader: a producer that sends to a
     * partition whose leader is not yet elected can sit on the record until its delivery timeout.
     */
    private void awaitLeaders(List<String> topics) throws InterruptedException {
        if (topics.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                boolean ready = admin.describeTopics(topics).allTopicNames().get(timeout.toMillis(),
                        TimeUnit.MILLISECONDS).values().stream().allMatch(d -> d.partitions().stream()
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                if (ready) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                // Not visible yet: metadata propagates to the broker after creation.
            }
            Thread.sleep(50);
        }
        log.warn("new topics {} still have partitions without a leader after {} s", topics, timeout.toSeconds());
    }

    public Admin admin() {
        return admin;
    }

    private static String hint() {
        return ". Check the address (--kafka host:port), start a local broker with 'ktstr4j kafka start', use "
                + "'--kafka embedded', or let runs fall back to the spool (--kafka-fallback spool).";
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
