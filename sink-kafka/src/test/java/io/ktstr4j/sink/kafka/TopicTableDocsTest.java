package io.ktstr4j.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.ktstr4j.schemas.event.EventBody;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link TopicLayout} is the one source of the topic table; the copies in the docs and deploy files must say the same
 * (names with the default prefix, partitions, topic configs). Each failure names the file and the topic.
 */
class TopicTableDocsTest {
    static final TopicLayout LAYOUT = TopicLayout.defaults();
    static final Path ROOT = projectRoot();

    static final String KAFKA_MD = "docs/kafka.md";
    static final String TOPICS_YAML = "deploy/kubernetes/topics.yaml";
    static final String COMPOSE = "deploy/compose/docker-compose.yml";
    static final String DEPLOY_README = "deploy/README.md";

    /** What one file says about one topic. */
    record Row(int partitions, Map<String, String> configs, String text) {}

    @Test
    void kafkaMdTableMatchesTopicLayout() throws IOException {
        assertAgrees(KAFKA_MD, kafkaMdRows());
    }

    @Test
    void kubernetesTopicsMatchTopicLayout() throws IOException {
        Map<String, Row> rows = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = new YAMLMapper().readerFor(JsonNode.class)
                .readValues(read(TOPICS_YAML))) {
            while (docs.hasNext()) {
                JsonNode d = docs.next();
                if (d == null || !"KafkaTopic".equals(d.path("kind").asText())) continue;
                JsonNode spec = d.path("spec");
                String name = spec.path("topicName").asText(d.path("metadata").path("name").asText());
                if (!name.equals(d.path("metadata").path("name").asText())) {
                    problems.add(TOPICS_YAML + ": " + name + ": metadata.name is '"
                            + d.path("metadata").path("name").asText() + "', not the topic name");
                }
                Map<String, String> configs = new TreeMap<>();
                spec.path("config").fields().forEachRemaining(e -> configs.put(e.getKey(), e.getValue().asText()));
                put(rows, TOPICS_YAML, name, new Row(spec.path("partitions").asInt(-1), configs, name), problems);
            }
        }
        assertThat(problems).as("problems in %s", TOPICS_YAML).isEmpty();
        assertAgrees(TOPICS_YAML, rows);
    }

    @Test
    void composeTopicCreationMatchesTopicLayout() throws IOException {
        JsonNode compose = new YAMLMapper().readTree(read(COMPOSE));
        JsonNode command = compose.path("services").path("kafka-topics").path("command");
        assertThat(command.isArray() && command.size() > 0)
                .as("%s: services.kafka-topics.command (the script that creates the topics)", COMPOSE).isTrue();
        StringBuilder script = new StringBuilder();
        command.forEach(c -> script.append(c.asText()).append('\n'));
        assertAgrees(COMPOSE, shellRows(COMPOSE, script.toString()));
    }

    @Test
    void deployReadmeCommandsMatchTopicLayout() throws IOException {
        Matcher block = Pattern.compile("```sh\n(.*?)```", Pattern.DOTALL).matcher(read(DEPLOY_README));
        String script = null;
        while (block.find()) {
            if (block.group(1).contains("kafka-topics.sh")) script = block.group(1);
        }
        assertThat(script).as("%s: the ```sh block with the kafka-topics.sh commands", DEPLOY_README).isNotNull();
        assertAgrees(DEPLOY_README, shellRows(DEPLOY_README, script));
    }

    /** The "what goes there" column of docs/kafka.md names the event types EventRouter sends to that topic. */
    @Test
    void kafkaMdRoutingColumnMatchesEventRouter() throws IOException {
        EventRouter router = new EventRouter(LAYOUT);
        Pattern typeRef = Pattern.compile("`([a-z_]+)\\.([a-z_]+|\\*)`");
        Map<String, List<String>> listed = new LinkedHashMap<>();
        kafkaMdRows().forEach((topic, row) -> {
            List<String> types = new ArrayList<>();
            Matcher m = typeRef.matcher(row.text());
            while (m.find()) {
                if (m.group(1).equals(LAYOUT.prefix())) continue; // a topic name
                String ref = m.group(1) + "." + m.group(2);
                EventBody.typeNames().keySet().stream()
                        .filter(t -> m.group(2).equals("*") ? t.startsWith(m.group(1) + ".") : t.equals(ref))
                        .forEach(types::add);
                if (!m.group(2).equals("*") && !EventBody.typeNames().containsKey(ref)) {
                    types.add(ref); // unknown type: reported below
                }
            }
            listed.put(topic, types);
        });
        List<String> problems = new ArrayList<>();
        listed.forEach((topic, types) -> {
            for (String t : types) {
                if (!EventBody.typeNames().containsKey(t)) {
                    problems.add(KAFKA_MD + ": " + topic + ": lists " + t + ", which is not an event type");
                } else if (router.routes(t, "r", "v").stream().noneMatch(r -> r.topic().equals(topic))) {
                    problems.add(KAFKA_MD + ": " + topic + ": lists " + t + ", which EventRouter sends to "
                            + router.routes(t, "r", "v").stream().map(EventRouter.Route::topic).toList());
                }
            }
        });
        for (String t : EventBody.typeNames().keySet()) {
            for (EventRouter.Route r : router.routes(t, "r", "v")) {
                if (listed.containsKey(r.topic()) && !listed.get(r.topic()).contains(t)) {
                    problems.add(KAFKA_MD + ": " + r.topic() + ": EventRouter sends " + t + " there; the table does not"
                            + " say so");
                }
            }
        }
        assertThat(problems).as("the routing column of %s vs EventRouter", KAFKA_MD).isEmpty();
    }

    /**
     * The "key" column of docs/kafka.md names, in backticks, every key form EventRouter gives records of that topic:
     * each body routed there, in each envelope kind it comes in (a variant's events; the run's own, run.started and
     * run.finished; standalone host-state captures; the regression consumer's analysis results, keyed by their
     * variant), with the parts as placeholders.
     */
    @Test
    void kafkaMdKeyColumnMatchesEventRouter() throws IOException {
        EventRouter router = new EventRouter(LAYOUT);
        Map<String, java.util.Set<String>> want = new TreeMap<>();
        for (Map.Entry<String, Class<? extends EventBody>> t : EventBody.typeNames().entrySet()) {
            Class<? extends EventBody> type = t.getValue();
            List<String[]> envelopes = new ArrayList<>(); // runId, variantKey, own event_id, the body's own key
            if (type == io.ktstr4j.schemas.event.RunStarted.class || type == io.ktstr4j.schemas.event.RunFinished.class) {
                envelopes.add(new String[] {"<runId>", null, null, null});
            } else if (io.ktstr4j.schemas.event.AnalysisResult.class.isAssignableFrom(type)) {
                envelopes.add(new String[] {null, null, "<event_id>", "<variant>"}); // stats watch: standalone
            } else if (type == io.ktstr4j.schemas.event.HostStateSnapshot.class) {
                envelopes.add(new String[] {"<runId>", null, null, "<host>"}); // around a run
                envelopes.add(new String[] {"<runId>", null, null, null}); // around a run, the host's name unknown
                envelopes.add(new String[] {null, null, "<event_id>", "<host>"}); // host-state capture / watch
                envelopes.add(new String[] {null, null, "<event_id>", null}); // a ktstr file: no host named
            } else if (type == io.ktstr4j.schemas.event.HostStateDelta.class) {
                envelopes.add(new String[] {null, null, "<event_id>", "<host>"}); // host-state diff-watch
            } else {
                envelopes.add(new String[] {"<runId>", "<variantKey>", null, null});
            }
            for (String[] env : envelopes) {
                for (EventRouter.Route r : router.routes(type, env[0], env[1], env[2], env[3])) {
                    want.computeIfAbsent(r.topic(), k -> new java.util.TreeSet<>())
                            .add(r.key().replace("|" + t.getKey(), "|<type>"));
                }
            }
        }
        List<String> problems = new ArrayList<>();
        Map<String, Row> rows = kafkaMdRows();
        want.forEach((topic, keys) -> {
            Row row = rows.get(topic);
            if (row == null) return; // reported by kafkaMdTableMatchesTopicLayout
            String[] cols = row.text().split("(?<!\\\\)\\|");
            String keyColumn = cols.length > 1 ? cols[1].replace("\\|", "|") : "";
            List<String> documented = new ArrayList<>();
            Matcher m = Pattern.compile("`([^`]+)`").matcher(keyColumn);
            while (m.find()) documented.add(m.group(1));
            for (String k : keys) {
                if (!documented.contains(k)) {
                    problems.add(KAFKA_MD + ": " + topic + ": the key column does not name `" + k + "`, a key "
                            + "EventRouter gives its records (it names " + documented + ")");
                }
            }
            for (String d : documented) {
                if (!keys.contains(d)) {
                    problems.add(KAFKA_MD + ": " + topic + ": the key column names `" + d + "`, which EventRouter "
                            + "never gives its records (it gives " + keys + ")");
                }
            }
        });
        assertThat(problems).as("the key column of %s vs EventRouter", KAFKA_MD).isEmpty();
    }

    // ---- parsers ----

    /** docs/kafka.md, section "Topic layout": | `name` | partitions | `k=v`, … | what goes there |. */
    static Map<String, Row> kafkaMdRows() throws IOException {
        String md = read(KAFKA_MD);
        int start = md.indexOf("\n## Topic layout");
        assertThat(start).as("%s: section '## Topic layout'", KAFKA_MD).isNotNegative();
        int end = md.indexOf("\n## ", start + 1);
        String section = md.substring(start, end < 0 ? md.length() : end);
        Map<String, String> common = new TreeMap<>();
        Matcher every = Pattern.compile("Every topic gets\\s+`([^`=]+)=([^`]+)`").matcher(section);
        while (every.find()) common.put(every.group(1), every.group(2));
        Map<String, Row> rows = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        Pattern row = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|\\s*(\\d+)\\s*\\|([^|]*)\\|(.*)$", Pattern.MULTILINE);
        Matcher m = row.matcher(section);
        while (m.find()) {
            Map<String, String> configs = new TreeMap<>(common);
            Matcher kv = Pattern.compile("`([a-z.]+)=([^`]*)`").matcher(m.group(3));
            while (kv.find()) configs.put(kv.group(1), kv.group(2));
            put(rows, KAFKA_MD, m.group(1), new Row(Integer.parseInt(m.group(2)), configs, m.group(4)), problems);
        }
        assertThat(problems).as("problems in %s", KAFKA_MD).isEmpty();
        return rows;
    }

    /**
     * A shell script defining {@code t() { … --config k=v "$@"; }} and calling {@code t NAME PARTITIONS --config k=v …}
     * once per topic (deploy/compose and deploy/README.md).
     */
    static Map<String, Row> shellRows(String file, String script) {
        Matcher fn = Pattern.compile("\\bt\\(\\)\\s*\\{(.*?)}", Pattern.DOTALL).matcher(script);
        assertThat(fn.find()).as("%s: the t() { … } function that creates a topic", file).isTrue();
        Map<String, String> common = configArgs(fn.group(1));
        Map<String, Row> rows = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        Matcher call = Pattern.compile("^\\s*t\\s+(\\S+)\\s+(\\d+)(.*)$", Pattern.MULTILINE).matcher(script);
        while (call.find()) {
            Map<String, String> configs = new TreeMap<>(common);
            configs.putAll(configArgs(call.group(3)));
            put(rows, file, call.group(1), new Row(Integer.parseInt(call.group(2)), configs, call.group()), problems);
        }
        assertThat(problems).as("problems in %s", file).isEmpty();
        return rows;
    }

    static Map<String, String> configArgs(String s) {
        Map<String, String> out = new TreeMap<>();
        Matcher m = Pattern.compile("--config\\s+([a-z.]+)=(\\S+)").matcher(s);
        while (m.find()) out.put(m.group(1), m.group(2));
        return out;
    }

    static void put(Map<String, Row> rows, String file, String topic, Row row, List<String> problems) {
        if (rows.put(topic, row) != null) problems.add(file + ": " + topic + " is listed twice");
    }

    /** Every disagreement between a file's rows and TopicLayout, one line per topic and property. */
    static void assertAgrees(String file, Map<String, Row> rows) {
        List<String> problems = new ArrayList<>();
        Map<String, TopicLayout.TopicSpec> topics = LAYOUT.topics();
        topics.forEach((name, spec) -> {
            Row r = rows.get(name);
            if (r == null) {
                problems.add(file + ": " + name + " is missing (TopicLayout: " + spec.partitions() + " partitions, "
                        + new TreeMap<>(spec.configs()) + ")");
                return;
            }
            if (r.partitions() != spec.partitions()) {
                problems.add(file + ": " + name + ": " + r.partitions() + " partitions, TopicLayout says "
                        + spec.partitions());
            }
            Map<String, String> want = new TreeMap<>(spec.configs());
            if (!r.configs().equals(want)) {
                problems.add(file + ": " + name + ": configs " + r.configs() + ", TopicLayout says " + want);
            }
        });
        for (String name : rows.keySet()) {
            if (!topics.containsKey(name)) problems.add(file + ": " + name + " is not a TopicLayout topic");
        }
        assertThat(problems).as("%s disagrees with TopicLayout (the source of the topic table)", file).isEmpty();
    }

    static String read(String rel) throws IOException {
        return Files.readString(ROOT.resolve(rel));
    }

    /** The root pom sets ktstr.projectRoot for surefire; else (an IDE) the nearest parent holding docs/kafka.md. */
    static Path projectRoot() {
        String prop = System.getProperty("ktstr.projectRoot");
        if (prop != null && Files.isRegularFile(Path.of(prop).resolve(KAFKA_MD))) return Path.of(prop).toAbsolutePath();
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(KAFKA_MD))) return p;
        }
        throw new IllegalStateException(KAFKA_MD + " not found from " + Path.of("").toAbsolutePath());
    }
}
