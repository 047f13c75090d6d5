import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.PrintWriter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs JUnit tests without Maven (Maven inside the TCG rig is slow): {@code java -cp CP:RUNNER_CLASSES RigRunner TAGEXPR
 * CLASS|PACKAGE|CLASS#method(ParamTypes)...} (run-rig-tests.sh compiles it on the host). Prints each test's result and a summary; exits 1 on any failure.
 * {@code --list TAGEXPR SELECTOR...} prints one {@code CLASS#method(ParamTypes)} per test method instead (one
 * {@code CLASS} for a class whose tests share one instance), so run-rig-tests.sh can give each its own rig.
 */
public class RigRunner {
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("--list")) {
            list(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        LauncherDiscoveryRequest req = request(args);
        startStallReporter(Long.getLong("rig.stallSeconds", 300));
        startHeartbeat(Long.getLong("rig.heartbeatSeconds", 15));
        Launcher l = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        l.execute(req, summary, new org.junit.platform.launcher.TestExecutionListener() {
            @Override
            public void executionFinished(org.junit.platform.launcher.TestIdentifier id,
                    org.junit.platform.engine.TestExecutionResult r) {
                lastEvent = System.nanoTime();
                if (id.isTest()) {
                    System.out.println("TEST " + r.getStatus() + " " + id.getUniqueId().replaceAll(".*class:", "")
                            + r.getThrowable().map(t -> " :: " + t).orElse(""));
                }
            }

            @Override
            public void executionSkipped(org.junit.platform.launcher.TestIdentifier id, String reason) {
                System.out.println("TEST SKIPPED " + id.getDisplayName() + " :: " + reason);
            }
        });
        TestExecutionSummary s = summary.getSummary();
        s.printTo(new PrintWriter(System.out));
        s.printFailuresTo(new PrintWriter(System.out), 30);
        System.exit(s.getTotalFailureCount() == 0 ? 0 : 1);
    }

    static LauncherDiscoveryRequest request(String[] args) {
        LauncherDiscoveryRequestBuilder b = LauncherDiscoveryRequestBuilder.request();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            b.selectors(a.contains("#") ? selectMethod(a)
                    : Character.isUpperCase(a.charAt(a.lastIndexOf('.') + 1)) ? selectClass(a) : selectPackage(a));
        }
        if (!args[0].equals("all")) {
            b.filters(TagFilter.includeTags(args[0]));
        }
        return b.build();
    }

    static void list(String[] args) {
        org.junit.platform.launcher.TestPlan plan = LauncherFactory.create().discover(request(args));
        java.util.Set<String> methods = new java.util.LinkedHashSet<>();
        java.util.ArrayDeque<org.junit.platform.launcher.TestIdentifier> todo = new java.util.ArrayDeque<>(plan.getRoots());
        while (!todo.isEmpty()) {
            org.junit.platform.launcher.TestIdentifier id = todo.poll();
            id.getSource().filter(src -> src instanceof org.junit.platform.engine.support.descriptor.MethodSource)
                    .map(src -> (org.junit.platform.engine.support.descriptor.MethodSource) src)
                    .ifPresent(m -> methods.add(sharesOneInstance(m.getClassName()) ? m.getClassName()
                            : m.getClassName() + "#" + m.getMethodName() + "(" + m.getMethodParameterTypes() + ")"));
            todo.addAll(plan.getChildren(id));
        }
        methods.forEach(System.out::println);
    }

    /**
     * A class whose tests share one instance (one VM booted in {@code @BeforeAll}, each test checking one claim about
     * it) is listed whole: a rig per method would boot that VM once per method for nothing.
     */
    static boolean sharesOneInstance(String className) {
        try {
            org.junit.jupiter.api.TestInstance ti = Class.forName(className, false, RigRunner.class.getClassLoader())
                    .getAnnotation(org.junit.jupiter.api.TestInstance.class);
            return ti != null && ti.value() == org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    static volatile long lastEvent = System.nanoTime();

    /**
     * Prints {@code RIG ALIVE} every period: run-rig-tests.sh stops a rig whose console stays silent much longer,
     * because then nothing in it runs any more (a frozen rig, or the rig CPU the JVM is pinned to stuck in the nested
     * guest). It filters these lines out of what it shows.
     */
    static void startHeartbeat(long seconds) {
        long t0 = System.nanoTime();
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(seconds * 1000);
                } catch (InterruptedException e) {
                    return;
                }
                System.out.println("RIG ALIVE " + (System.nanoTime() - t0) / 1_000_000_000L + " s");
            }
        }, "rig-heartbeat");
        t.setDaemon(true);
        t.start();
    }

    /**
     * When no test has finished for {@code seconds}, prints every thread's stack (again after each further period): a
     * rig run that stops printing is then either a stuck JVM (its stacks show where) or a frozen rig (nothing shows).
     */
    static void startStallReporter(long seconds) {
        Thread t = new Thread(() -> {
            long reported = lastEvent;
            while (true) {
                try {
                    Thread.sleep(Math.min(seconds, 30) * 1000);
                } catch (InterruptedException e) {
                    return;
                }
                long quiet = (System.nanoTime() - Math.max(lastEvent, reported)) / 1_000_000_000L;
                if (quiet >= seconds) {
                    reported = System.nanoTime();
                    StringBuilder sb = new StringBuilder("RIG STALL: no test finished for "
                            + (System.nanoTime() - lastEvent) / 1_000_000_000L + " s; threads:\n");
                    Thread.getAllStackTraces().forEach((th, st) -> {
                        sb.append("  \"").append(th.getName()).append("\" ").append(th.getState()).append('\n');
                        for (StackTraceElement e : st) sb.append("      at ").append(e).append('\n');
                    });
                    System.out.print(sb);
                    System.out.flush();
                }
            }
        }, "rig-stall-reporter");
        t.setDaemon(true);
        t.start();
    }
}
