package dev.robustgate.cli;

import dev.robustgate.RobustGateException;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs the CLI in-process and captures what it prints. GateCommand and EvalCommand print with
 * System.out/System.err rather than picocli's {@code cmd.getOut()/getErr()}, so both the picocli
 * writers and the System streams are redirected, and restored in finally.
 *
 * <p>The command line is built as {@code RobustGateCli.main} builds it, with the same execution
 * exception handler (IllegalArgumentException and RobustGateException: one line on stderr, exit 2),
 * copied here because main builds it inline and then calls System.exit; a factory such as
 * {@code RobustGateCli.commandLine()} would let tests use the real one.
 */
final class CliRun {

    private CliRun() {}

    record Result(int exitCode, String out, String err, List<String> args) {
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            return "robustgate " + String.join(" ", args) + " -> exit " + exitCode
                    + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    /** The same wiring as {@code RobustGateCli.main}, minus System.exit. */
    static CommandLine commandLine() {
        return RobustGateCli.commandLine();
    }

    static Result run(String... args) {
        return run(Map.of(), args);
    }

    /** Runs with the given system properties set for the duration of the call (and restored after). */
    static synchronized Result run(Map<String, String> properties, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        Map<String, String> savedProps = new java.util.HashMap<>();
        properties.keySet().forEach(k -> savedProps.put(k, System.getProperty(k)));
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            properties.forEach(System::setProperty);
            CommandLine cli = commandLine();
            cli.setOut(new PrintWriter(o, true));
            cli.setErr(new PrintWriter(e, true));
            code = cli.execute(args);
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
            savedProps.forEach((k, v) -> {
                if (v == null) System.clearProperty(k); else System.setProperty(k, v);
            });
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                Arrays.asList(args));
    }
}
