package io.ktstr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ktstr4j.schemas.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The deploy examples call the ktstr4j command with options it has: every container's {@code args} in
 * deploy/kubernetes and the systemd unit's command line parse with the CLI (nothing is run), so an option renamed in
 * the code fails here instead of in someone's cluster.
 */
class DeployExamplesTest {
    static final Path ROOT = Path.of(System.getProperty("ktstr.projectRoot", "../.."));

    @Test
    void everyKubernetesContainerOfKtstr4jParses() throws Exception {
        List<String> checked = new ArrayList<>();
        try (var files = Files.list(ROOT.resolve("deploy/kubernetes"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (JsonNode doc : Json.yamlMapper().readValues(Json.yamlMapper().createParser(f.toFile()),
                        JsonNode.class).readAll()) {
                    for (JsonNode c : doc.path("spec").path("template").path("spec").path("containers")) {
                        if (!c.path("image").asText().startsWith("ktstr4j-worker") || !c.has("args")
                                || c.has("command")) {
                            continue;
                        }
                        List<String> args = new ArrayList<>();
                        c.get("args").forEach(a -> args.add(a.asText()));
                        parse(f + " " + c.path("name").asText(), args);
                        checked.add(f.getFileName() + ":" + args.get(0) + " " + args.get(1));
                    }
                }
            }
        }
        assertThat(checked).contains("host-state-watch.yaml:host-state watch", "host-state-diff.yaml:host-state diff-watch",
                "regression-watch.yaml:stats watch");
    }

    @Test
    void theSystemdUnitsCommandParses() throws Exception {
        String unit = Files.readString(ROOT.resolve("deploy/systemd/ktstr4j-host-state-watch.service"));
        Matcher m = Pattern.compile("(?m)^ExecStart=.*/ktstr4j\" (.*)'$").matcher(unit);
        assertThat(m.find()).as("ExecStart runs $KTSTR4J_HOME/ktstr4j").isTrue();
        List<String> args = new ArrayList<>();
        for (String t : m.group(1).split(" ")) {
            args.add(t.replaceAll("\"?\\$[A-Z_]+\"?", "x")); // an environment variable stands for a value
        }
        assertThat(args.subList(0, 2)).containsExactly("host-state", "watch");
        parse("the systemd unit", args);
    }

    private static void parse(String where, List<String> args) {
        CommandLine cl = Main.commandLine(new Services());
        try {
            cl.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new AssertionError(where + ": " + String.join(" ", args) + ": " + e.getMessage(), e);
        }
    }
}
