package io.ktstr4j.schemas.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/design/vocabulary.md says what the code says: every event body is in its table under its type name, and every
 * class, package and module the page names exists.
 */
class VocabularyDocTest {
    static final String DOC = "docs/design/vocabulary.md";
    /** A row of the run events table: | `type.name` | `Record` | fields |. */
    static final Pattern EVENT_ROW = Pattern.compile("^\\|\\s*`([a-z_]+\\.[a-z_]+)`\\s*\\|\\s*`([A-Za-z0-9]+)`\\s*\\|",
            Pattern.MULTILINE);
    static final Pattern TICKED = Pattern.compile("`([^`]+)`");

    static Path root;
    static String doc;

    @BeforeAll
    static void read() throws IOException {
        root = projectRoot();
        doc = Files.readString(root.resolve(DOC));
    }

    /** The root pom sets ktstr.projectRoot for surefire; else (an IDE) the nearest parent holding the page. */
    static Path projectRoot() {
        String prop = System.getProperty("ktstr.projectRoot");
        if (prop != null && Files.isRegularFile(Path.of(prop).resolve(DOC))) return Path.of(prop).toAbsolutePath();
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(DOC))) return p;
        }
        throw new IllegalStateException(DOC + " not found from " + Path.of("").toAbsolutePath()
                + " or -Dktstr.projectRoot=" + prop);
    }

    static Map<String, String> eventTable() {
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = EVENT_ROW.matcher(section("## Run events"));
        while (m.find()) {
            String previous = rows.put(m.group(1), m.group(2));
            assertThat(previous).as("%s: type %s is listed twice", DOC, m.group(1)).isNull();
        }
        return rows;
    }

    @Test
    void everyEventBodyIsListedUnderItsTypeName() {
        Map<String, String> table = eventTable();
        List<String> missing = new ArrayList<>();
        EventBody.typeNames().forEach((type, cls) -> {
            if (!cls.getSimpleName().equals(table.get(type))) {
                missing.add("| `" + type + "` | `" + cls.getSimpleName() + "` |"
                        + (table.containsKey(type) ? " (the page says `" + table.get(type) + "`)" : ""));
            }
        });
        assertThat(missing).as("event bodies missing from the run events table of %s", DOC).isEmpty();
    }

    @Test
    void everyRowOfTheEventTableIsARegisteredBody() {
        Set<String> unknown = new TreeSet<>(eventTable().keySet());
        unknown.removeAll(EventBody.typeNames().keySet());
        assertThat(unknown).as("type names in %s that EventBody's @JsonSubTypes does not register", DOC).isEmpty();
    }

    /** The sealed hierarchy and the Jackson registration list the same records (the table is checked against one). */
    @Test
    void sealedPermitsAndJsonSubTypesAgree() {
        Set<Class<?>> leaves = new HashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(EventBody.class));
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (c.isSealed()) todo.addAll(List.of(c.getPermittedSubclasses()));
            else leaves.add(c);
        }
        Set<Class<?>> registered = Stream.of(EventBody.class.getAnnotation(JsonSubTypes.class).value())
                .map(JsonSubTypes.Type::value).collect(Collectors.toSet());
        assertThat(names(leaves)).as("EventBody's permitted records vs its @JsonSubTypes")
                .containsExactlyInAnyOrderElementsOf(names(registered));
    }

    /** In the word list and the module table: every `Class`, `io.ktstr4j.package` (+ `.sub`), module and path exists. */
    @Test
    void everyNamedClassPackageAndModuleExists() throws IOException {
        Set<String> classes = new HashSet<>();
        Set<String> packages = new HashSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> !p.toString().contains("/.git/") && !p.toString().contains("/target/"))
                    .forEach(p -> {
                        String s = root.relativize(p).toString();
                        int j = s.indexOf("/src/main/java/");
                        if (j < 0) return;
                        String rel = s.substring(j + "/src/main/java/".length());
                        if (Files.isDirectory(p)) packages.add(rel.replace('/', '.'));
                        else if (rel.endsWith(".java")) classes.add(p.getFileName().toString().replace(".java", ""));
                    });
        }
        List<String> wrong = new ArrayList<>();
        for (String heading : List.of("## Words with one meaning", "## Modules and packages")) {
            for (String row : section(heading).split("\n")) {
                if (!row.startsWith("|") || row.startsWith("|---")) continue;
                String pkg = null;
                List<String> cells = List.of(row.split("\\|"));
                for (int c = 1; c < cells.size(); c++) {
                    Matcher m = TICKED.matcher(cells.get(c));
                    while (m.find()) {
                        String t = m.group(1);
                        if (t.startsWith("io.ktstr4j.")) {
                            pkg = t;
                            boolean ok = packages.contains(t) || isClass(t, packages, classes);
                            if (!ok) wrong.add(t + " (no such package or class)");
                        } else if (t.startsWith(".") && t.matches("\\.[a-z0-9.]+")) {
                            if (pkg == null || !packages.contains(pkg + t)) wrong.add(pkg + t + " (no such package)");
                        } else if (t.matches("[A-Z][A-Za-z0-9]*")) {
                            if (!classes.contains(t)) wrong.add(t + " (no such class in any src/main/java)");
                        } else if (c == 1 && heading.startsWith("## Modules") && t.matches("[a-z][a-z/-]*")) {
                            if (!Files.isRegularFile(root.resolve(t).resolve("pom.xml")))
                                wrong.add(t + " (no such module)");
                        } else if (t.endsWith("/") && !Files.isDirectory(root.resolve(t))) {
                            wrong.add(t + " (no such directory)");
                        }
                    }
                }
            }
        }
        assertThat(wrong).as("names in %s that the code does not have", DOC).isEmpty();
    }

    static boolean isClass(String fqcn, Set<String> packages, Set<String> classes) {
        int dot = fqcn.lastIndexOf('.');
        return packages.contains(fqcn.substring(0, dot)) && classes.contains(fqcn.substring(dot + 1));
    }

    static List<String> names(Set<Class<?>> cs) {
        return cs.stream().map(Class::getName).sorted().toList();
    }

    /** The text from {@code heading} to the next heading of the same level. */
    static String section(String heading) {
        int start = doc.indexOf("\n" + heading);
        if (start < 0) throw new UncheckedIOException(new IOException(DOC + " has no section '" + heading + "'"));
        int next = doc.indexOf("\n## ", start + 1);
        return doc.substring(start, next < 0 ? doc.length() : next);
    }
}
