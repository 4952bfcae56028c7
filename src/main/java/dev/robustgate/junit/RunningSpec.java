package dev.robustgate.junit;

import java.util.List;
import java.util.Optional;

/** The spec class on the calling thread's stack, for messages that name the command to rerun it. */
final class RunningSpec {
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private RunningSpec() {}

    /**
     * Simple name (Outer$Inner for nested classes) of the innermost {@link RobustnessSpec} class on
     * the stack, else of the innermost class named like a test (*Spec, *Test, *Tests, *Properties).
     */
    static Optional<String> className() {
        List<Class<?>> stack = WALKER.walk(frames -> frames.map(StackWalker.StackFrame::getDeclaringClass).toList());
        return stack.stream().filter(c -> c.isAnnotationPresent(RobustnessSpec.class)).findFirst()
                .or(() -> stack.stream().filter(c -> c.getName().matches(".*(Spec|Test|Tests|Properties)")).findFirst())
                .map(c -> c.getName().substring(c.getName().lastIndexOf('.') + 1));
    }
}
