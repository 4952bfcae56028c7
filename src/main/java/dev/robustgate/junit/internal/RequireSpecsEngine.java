package dev.robustgate.junit.internal;

import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.EngineDiscoveryRequest;
import org.junit.platform.engine.EngineExecutionListener;
import org.junit.platform.engine.ExecutionRequest;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestEngine;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.engine.support.descriptor.EngineDescriptor;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A JUnit Platform engine registered by RobustGate's jar ({@code META-INF/services}) that fails a run in
 * which Surefire selected test classes but none of the spec classes compiled beside them: the
 * {@code *Spec} class that Surefire's default includes skip. A listener cannot fail a Maven build, a
 * failing test can. The engine contributes one test, {@code specs selected}, only then; in every other
 * run it contributes nothing. When it applies: {@link SpecSelection}.
 *
 * <p>It cannot see what the other engines executed (engines run one after another, in classpath order), so
 * a run whose selected specs were all skipped or aborted is reported by {@link GateTableListener}, not failed.
 */
public final class RequireSpecsEngine implements TestEngine {
    public static final String ID = "robustgate-gate";

    private final BooleanSupplier nested;
    private final BooleanSupplier underSurefire;
    private final Supplier<RunScope> scope;
    private final Set<String> askedAlone;
    /** Per JVM: Surefire asks each launcher (new engine instances) in turn. */
    private static final Set<String> ASKED_ALONE = ConcurrentHashMap.newKeySet();

    public RequireSpecsEngine() {
        this(GateTableListener::running, () -> System.getProperty("surefire.test.class.path") != null, RunScope::current,
                ASKED_ALONE);
    }

    /** For tests: whether a launcher runs in another's test, whether this is Surefire's JVM, the -D selection, memory. */
    RequireSpecsEngine(BooleanSupplier nested, BooleanSupplier underSurefire, Supplier<RunScope> scope, Set<String> askedAlone) {
        this.askedAlone = askedAlone;
        this.nested = nested;
        this.underSurefire = underSurefire;
        this.scope = scope;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public Optional<String> getGroupId() {
        return Optional.of("dev.robustgate");
    }

    @Override
    public Optional<String> getArtifactId() {
        return Optional.of("robustgate");
    }

    @Override
    public TestDescriptor discover(EngineDiscoveryRequest request, UniqueId uniqueId) {
        EngineDescriptor engine = new EngineDescriptor(uniqueId, "RobustGate");
        SpecSelection.Mode mode;
        try {
            mode = SpecSelection.Mode.parse(request.getConfigurationParameters().get(SpecSelection.PARAMETER));
        } catch (IllegalArgumentException e) {
            engine.addChild(new Check(uniqueId, e.getMessage()));
            return engine;
        }
        // A test that runs specs through its own launcher: the outer run is the one Surefire chose.
        if (mode == SpecSelection.Mode.FALSE || nested.getAsBoolean()) return engine;
        List<DiscoverySelector> selectors = request.getSelectorsByType(DiscoverySelector.class);
        List<ClassSelector> classes = request.getSelectorsByType(ClassSelector.class);
        if (classes.isEmpty()) return engine;
        try {
            var run = new SpecSelection.Run(mode, underSurefire.getAsBoolean(), scope.get(), classes.size() == selectors.size(),
                    askedAlone);
            ClassLoader loader = Optional.ofNullable(classes.get(0).getClassLoader())
                    .orElseGet(() -> Thread.currentThread().getContextClassLoader());
            SpecSelection.missedSpecs(run, classes.stream().map(ClassSelector::getClassName).toList(), loader)
                    .ifPresent(message -> engine.addChild(new Check(uniqueId, message)));
        } catch (RuntimeException | LinkageError e) {
            // A guard that breaks must not break the user's build: it then checks nothing, and says so.
            System.err.println("[robustgate] WARNING: the check that specs were selected did not run ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); this run is not checked for skipped specs");
        }
        return engine;
    }

    @Override
    public void execute(ExecutionRequest request) {
        TestDescriptor root = request.getRootTestDescriptor();
        EngineExecutionListener listener = request.getEngineExecutionListener();
        listener.executionStarted(root);
        for (TestDescriptor child : root.getChildren()) {
            listener.executionStarted(child);
            listener.executionFinished(child, TestExecutionResult.failed(new SpecsNotSelected(((Check) child).message)));
        }
        listener.executionFinished(root, TestExecutionResult.successful());
    }

    /** The one test: "specs selected", failing with the message that says which and how to select them. */
    private static final class Check extends AbstractTestDescriptor {
        private final String message;

        Check(UniqueId engine, String message) {
            super(engine.append("check", "specs-selected"), "specs selected");
            this.message = message;
        }

        @Override
        public Type getType() {
            return Type.TEST;
        }
    }

    /** The failure: one line, no stack trace worth reading. */
    static final class SpecsNotSelected extends AssertionError {
        SpecsNotSelected(String message) {
            super(message);
            setStackTrace(new StackTraceElement[0]);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
