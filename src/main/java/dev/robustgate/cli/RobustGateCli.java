package dev.robustgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./robustgate gate | eval}: the gate for CI, and one-off evaluations of a model. */
@Command(name = "robustgate", mixinStandardHelpOptions = true, version = "robustgate 0.1.0",
        description = "Robustness gates for ML models on the JVM.",
        subcommands = {GateCommand.class, EvalCommand.class, CommandLine.HelpCommand.class})
public final class RobustGateCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        dev.robustgate.report.ReportWiring.installOnce();
        int code = new CommandLine(new RobustGateCli()).execute(args.length == 0 ? new String[]{"gate"} : args);
        System.exit(code);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
