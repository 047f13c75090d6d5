package io.ktstr4j.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module map of docs/design/architecture.md, enforced: each package belongs to exactly one module, a module imports
 * only the modules below it, and no two packages depend on each other. Maven already refuses an import of a module
 * that is not a dependency; these rules also catch what Maven cannot see (packages of one module that cycle, a new
 * package nobody placed, a library reaching up into the CLI through a test-only dependency). Runs here because this
 * module depends on every other one, so all main classes are on its class path.
 */
class ArchitectureTest {

    /** Module name → the packages it owns (ArchUnit syntax: ".." = the package and its subpackages). */
    static final Map<String, String[]> MODULES = new LinkedHashMap<>();

    static {
        MODULES.put("schemas", new String[] {"io.ktstr4j.schemas.."});
        MODULES.put("vmm-api", new String[] {"io.ktstr4j.vmm", "io.ktstr4j.vmm.hooks..", "io.ktstr4j.vmm.mem..",
            "io.ktstr4j.vmm.lifecycle..", "io.ktstr4j.vmm.nativelib.."});
        MODULES.put("guest", new String[] {"io.ktstr4j.vmm.channel..", "io.ktstr4j.vmm.initramfs..",
            "io.ktstr4j.vmm.plan..", "io.ktstr4j.vmm.console.."});
        MODULES.put("monitor", new String[] {"io.ktstr4j.vmm.monitor.."});
        MODULES.put("vmm-kvm", new String[] {"io.ktstr4j.vmm.kvm..", "io.ktstr4j.vmm.boot..", "io.ktstr4j.vmm.x86..",
            "io.ktstr4j.vmm.devices.."});
        MODULES.put("vmm-qemu", new String[] {"io.ktstr4j.vmm.qemu.."});
        MODULES.put("sink-kafka", new String[] {"io.ktstr4j.sink.."});
        MODULES.put("pipeline", new String[] {"io.ktstr4j.pipeline.."});
        MODULES.put("stats", new String[] {"io.ktstr4j.stats.."});
        MODULES.put("regressions", new String[] {"io.ktstr4j.regressions.."});
        MODULES.put("hoststate", new String[] {"io.ktstr4j.hoststate.."});
        MODULES.put("cli", new String[] {"io.ktstr4j.cli.."});
    }

    static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        // Main code only: tests may reach further (an engine test boots a VM on either backend). The modules arrive
        // as class folders (mvn test) or jars (mvn verify, ~/.m2): take both, but no test-jar.
        main = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("io.ktstr4j");
    }

    @Test
    void everyModuleIsOnTheClassPath() {
        // Guards the rules below against passing on an empty import.
        for (Map.Entry<String, String[]> m : MODULES.entrySet()) {
            String pkg = m.getValue()[0].replace("..", "");
            assertThat(main.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)))
                .as("classes of module %s (package %s) imported", m.getKey(), pkg).isTrue();
        }
        assertThat(main.stream().anyMatch(c -> c.getSimpleName().endsWith("Test"))).as("test classes left out").isFalse();
    }

    @Test
    void theModuleMapInTheDocsIsTheBuild() throws IOException {
        // docs/design/architecture.md's table lists every Maven module with its artifact; a module added, moved or
        // renamed without the map being told fails here.
        Path root = Path.of(System.getProperty("ktstr.projectRoot", "../.."));
        Map<String, String> documented = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `([\\w/-]+)` \\| (ktstr4j-[\\w-]+) \\|")
            .matcher(Files.readString(root.resolve("docs/design/architecture.md")));
        while (m.find()) {
            documented.put(m.group(1), m.group(2));
        }
        Map<String, String> built = new TreeMap<>();
        try (Stream<Path> poms = Files.walk(root, 3)) {
            for (Path pom : poms.filter(p -> p.getFileName().toString().equals("pom.xml")).toList()) {
                String xml = Files.readString(pom);
                if (pom.getParent().equals(root) || xml.contains("<packaging>pom</packaging>")) {
                    continue;
                }
                Matcher a = Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>").matcher(xml);
                assertThat(a.find()).as("artifactId in %s", pom).isTrue();
                built.put(root.relativize(pom.getParent()).toString(), a.group(1));
            }
        }
        assertThat(documented).as("module table of docs/design/architecture.md vs the pom.xml files").isEqualTo(built);
    }

    @Test
    void everyModuleImportsOnlyTheModulesBelowIt() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (Map.Entry<String, String[]> m : MODULES.entrySet()) {
            layers = layers.layer(m.getKey()).definedBy(m.getValue());
        }
        layers
            .whereLayer("cli").mayNotBeAccessedByAnyLayer()
            .whereLayer("pipeline").mayOnlyBeAccessedByLayers("hoststate", "cli")
            .whereLayer("regressions").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("hoststate").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("stats").mayOnlyBeAccessedByLayers("regressions", "hoststate", "cli")
            .whereLayer("sink-kafka").mayOnlyBeAccessedByLayers("regressions", "hoststate", "cli")
            .whereLayer("vmm-kvm").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("vmm-qemu").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("monitor").mayOnlyBeAccessedByLayers("pipeline", "cli")
            .whereLayer("guest").mayOnlyBeAccessedByLayers("vmm-kvm", "vmm-qemu", "pipeline", "hoststate", "cli")
            .whereLayer("vmm-api").mayOnlyBeAccessedByLayers("guest", "monitor", "vmm-kvm", "vmm-qemu", "pipeline", "cli")
            .check(main);
    }

    @Test
    void everyPackageBelongsToAModule() {
        String[] all = MODULES.values().stream().flatMap(Arrays::stream).toArray(String[]::new);
        classes().that().resideInAPackage("io.ktstr4j..")
            .should().resideInAnyPackage(all)
            .because("each package is placed in one module of docs/design/architecture.md (add it there and here)")
            .check(main);
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("io.ktstr4j.(**)").should().beFreeOfCycles().check(main);
    }

    @Test
    void librariesBindNoLogger() {
        // Only the CLI (an application) chooses the SLF4J binding; libraries log through the API.
        classes().that().resideOutsideOfPackage("io.ktstr4j.cli..")
            .should().onlyDependOnClassesThat().resideOutsideOfPackages("org.slf4j.simple..", "org.apache.logging.log4j..")
            .check(main);
    }
}
