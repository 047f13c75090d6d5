
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs JUnit tests without Maven (Maven inside the TCG rig is slow): {@code java -cp CP:RUNNER_CLASSES RigRunner TAGEXPR
 * ENTRY...}, where an entry is a {@code CLASS}, {@code PACKAGE} or {@code CLASS#method(ParamTypes)} selector
 * (run-rig-tests.sh compiles it on the host). TAGEXPR is a JUnit tag expression ({@code rig & !full}), or {@code all}.
 * <p>
 * The entries run one after another in this one JVM, each in a launcher execution of its own, framed by two
 * machine-readable lines that run-rig-tests.sh reads to tell which entries finished when the rig dies under them:
 * <pre>
 * RIG-TEST START k ENTRY
 * RIG-TEST END k STATUS passed=P failed=F aborted=A skipped=S ENTRY[ :: first failure or abort, on one line]
 * </pre>
 * {@code k} is the entry's position among the arguments (1-based); STATUS is {@code PASSED} (some test passed, none
 * failed), {@code FAILED} (a test or a container such as {@code @BeforeAll} failed, or the entry held no test at all),
 * or {@code ABORTED} (nothing passed or failed: every test was aborted or skipped). Between the two lines each test's
 * result is printed ({@code TEST SUCCESSFUL|FAILED|ABORTED|SKIPPED ...}), then the entry's failures with their stacks.
 * Exits 1 when any entry failed.
 * <p>
 * {@code --list TAGEXPR SELECTOR...} prints one {@code CLASS#method(ParamTypes)} per test method instead (one
 * {@code CLASS} for a class whose tests share one instance): the entries run-rig-tests.sh passes back.
 * <p>
 * System properties: {@code rig.heartbeatSeconds} (15; 0: none), {@code rig.stallSeconds} (300).
 */
public class RigRunner {
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("--list")) {
            list(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        startStallReporter(Long.getLong("rig.stallSeconds", 300));
        startHeartbeat(Long.getLong("rig.heartbeatSeconds", 15));
        Launcher l = LauncherFactory.create();
        int failedEntries = 0;
        for (int k = 1; k < args.length; k++) {
            String entry = args[k];
            System.out.println("RIG-TEST START " + k + " " + entry);
            lastEvent = System.nanoTime();
            AtomicInteger passed = new AtomicInteger(), failed = new AtomicInteger(), aborted = new AtomicInteger(),
                    skipped = new AtomicInteger();
            AtomicReference<String> firstFailure = new AtomicReference<>(), firstAbort = new AtomicReference<>();
            SummaryGeneratingListener summary = new SummaryGeneratingListener();
            String status;
            try {
                l.execute(request(args[0], entry), summary, new TestExecutionListener() {
                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult r) {
                        lastEvent = System.nanoTime();
                        String what = id.getUniqueId().replaceAll(".*class:", "");
                        String line = what + r.getThrowable().map(t -> " :: " + t).orElse("");
                        if (id.isTest()) {
                            System.out.println("TEST " + r.getStatus() + " " + line);
                        }
                        switch (r.getStatus()) {
                            case SUCCESSFUL -> {
                                if (id.isTest()) passed.incrementAndGet();
                            }
                            case FAILED -> { // a container fails when e.g. its @BeforeAll throws: that counts too
                                failed.incrementAndGet();
                                firstFailure.compareAndSet(null, line);
                                if (!id.isTest()) System.out.println("CONTAINER FAILED " + line);
                            }
                            case ABORTED -> { // a container is aborted when an assumption in its @BeforeAll fails
                                aborted.incrementAndGet();
                                firstAbort.compareAndSet(null, line);
                            }
                        }
                    }

                    @Override
                    public void executionSkipped(TestIdentifier id, String reason) {
                        System.out.println("TEST SKIPPED " + id.getDisplayName() + " :: " + reason);
                        skipped.incrementAndGet();
                        firstAbort.compareAndSet(null, "skipped " + id.getDisplayName() + " :: " + reason);
                    }
                });
                status = failed.get() > 0 ? "FAILED" : passed.get() > 0 ? "PASSED"
                        : aborted.get() + skipped.get() > 0 ? "ABORTED" : "FAILED";
                if (status.equals("FAILED") && failed.get() == 0) {
                    firstFailure.set("no test ran for " + entry + " (tag expression " + args[0] + ")");
                }
            } catch (RuntimeException | Error e) { // the launcher itself: discovery failed, say
                e.printStackTrace(System.out);
                status = "FAILED";
                firstFailure.compareAndSet(null, "the launcher threw " + e);
            }
            TestExecutionSummary s = summary.getSummary();
            if (s.getTotalFailureCount() > 0) {
                s.printFailuresTo(new PrintWriter(System.out), 30);
            }
            String why = status.equals("FAILED") ? firstFailure.get() : status.equals("ABORTED") ? firstAbort.get() : null;
            System.out.println("RIG-TEST END " + k + " " + status + " passed=" + passed + " failed=" + failed
                    + " aborted=" + aborted + " skipped=" + skipped + " " + entry
                    + (why == null ? "" : " :: " + oneLine(why)));
            System.out.flush();
            if (status.equals("FAILED")) failedEntries++;
        }
        System.out.println("RIG-TEST DONE " + (args.length - 1) + " entries, " + failedEntries + " failed");
        System.exit(failedEntries == 0 ? 0 : 1);
    }

    static String oneLine(String s) {
        s = s.replaceAll("\\s+", " ");
        return s.length() <= 400 ? s : s.substring(0, 400) + "...";
    }

    static LauncherDiscoveryRequest request(String tags, String... selectors) {
        LauncherDiscoveryRequestBuilder b = LauncherDiscoveryRequestBuilder.request();
        for (String a : selectors) {
            b.selectors(a.contains("#") ? selectMethod(a)
                    : Character.isUpperCase(a.charAt(a.lastIndexOf('.') + 1)) ? selectClass(a) : selectPackage(a));
        }
        if (!tags.equals("all")) {
            b.filters(TagFilter.includeTags(tags));
        }
        return b.build();
    }

    static void list(String[] args) {
        org.junit.platform.launcher.TestPlan plan = LauncherFactory.create()
                .discover(request(args[0], java.util.Arrays.copyOfRange(args, 1, args.length)));
        java.util.Set<String> methods = new java.util.LinkedHashSet<>();
        java.util.ArrayDeque<TestIdentifier> todo = new java.util.ArrayDeque<>(plan.getRoots());
        while (!todo.isEmpty()) {
            TestIdentifier id = todo.poll();
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
     * it) is listed whole: it runs as one entry, its methods in one launcher execution sharing that VM.
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
     * guest). It filters these lines out of what it shows. {@code -Drig.heartbeatSeconds=0} turns it off (to force a
     * "freeze" when testing the script).
     */
    static void startHeartbeat(long seconds) {
        if (seconds <= 0) {
            return;
        }
        long t0 = System.nanoTime();
        Thread t = new Thread(() -> {
            while (true) {
                System.out.println("RIG ALIVE " + (System.nanoTime() - t0) / 1_000_000_000L + " s");
                try {
                    Thread.sleep(seconds * 1000);
                } catch (InterruptedException e) {
                    return;
                }
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
