package dev.robustgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./robustgate gate | eval | merge | steal | bench | baseline | serve}: the gate for CI, one-off evaluations of a model, and the prediction API. */
@Command(name = "robustgate", mixinStandardHelpOptions = true, version = "robustgate 0.1.0",
        description = "Robustness gates for ML models on the JVM.",
        subcommands = {GateCommand.class, EvalCommand.class, MergeCommand.class, StealCommand.class, BenchCommand.class,
                BaselineCommand.class, ServeCommand.class, CommandLine.HelpCommand.class})
public final class RobustGateCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        int code = commandLine().execute(args.length == 0 ? new String[]{"gate"} : args);
        System.exit(code);
    }

    /** The command line as main runs it: bad arguments and data/model faults print one line and exit 2. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new RobustGateCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof dev.robustgate.RobustGateException) {
                cmd.getErr().println("robustgate " + cmd.getCommandName() + ": " + e.getMessage());
                return 2;
            }
            if (e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
                // A write that failed after the work (a full disk, a directory removed meanwhile): one line, not a trace.
                Throwable io = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
                cmd.getErr().println("robustgate " + cmd.getCommandName() + ": cannot write output: " + io);
                return 2;
            }
            throw e;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
