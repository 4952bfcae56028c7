package dev.robustgate.cli;

import dev.robustgate.baseline.BaselineEntry;
import dev.robustgate.baseline.Baselines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./robustgate baseline}: lists the accepted gate values; with {@code --update} runs the
 * gate and accepts every baseline gate's measurement, printing one diff line per gate.
 */
@Command(name = "baseline", mixinStandardHelpOptions = true,
        description = "Show the accepted baselines (robustness-specs/baselines.json), or --update them from a gate run.")
final class BaselineCommand implements Callable<Integer> {

    @Option(names = "--update", description = "Run the specs and accept their measurements as the new baselines.")
    boolean update;

    @Option(names = "--select", paramLabel = "PATTERN",
            description = "With --update: only specs whose class or method name contains this regular expression.")
    String select;

    @Option(names = "--file", paramLabel = "PATH", description = "Baseline file (default: robustness-specs/baselines.json).")
    String file;

    @Option(names = "--package", defaultValue = "dev.robustgate.specs",
            description = "With --update: package holding the specs (default: ${DEFAULT-VALUE}).")
    String specPackage;

    @Override
    public Integer call() {
        if (!update && select != null) throw new IllegalArgumentException("--select only applies with --update");
        String fileBefore = System.getProperty(Baselines.FILE_PROPERTY);
        if (file != null) System.setProperty(Baselines.FILE_PROPERTY, file);
        try {
            if (!update) {
                print(Baselines.standard());
                return 0;
            }
            // Before the specs run: an unwritable or corrupt file would otherwise be found after all the work.
            Baselines target = Baselines.standard();
            OutputFiles.writable("--file", target.file());
            target.entries();
            System.setProperty(Baselines.UPDATE_PROPERTY, "true");
            GateCommand gate = new GateCommand();
            gate.select = select;
            gate.specPackage = specPackage;
            return gate.call();
        } finally {
            System.clearProperty(Baselines.UPDATE_PROPERTY);
            if (fileBefore == null) System.clearProperty(Baselines.FILE_PROPERTY);
            else System.setProperty(Baselines.FILE_PROPERTY, fileBefore);
        }
    }

    private static void print(Baselines b) {
        Map<String, BaselineEntry> all = b.entries();
        System.out.println(b.file() + ": " + all.size() + " gate" + (all.size() == 1 ? "" : "s"));
        all.forEach((id, e) -> System.out.println(String.format(Locale.ROOT, "  %-55s %.3f [%.3f, %.3f] n=%d seed %d (%s is better; %s)",
                id, e.value(), e.interval()[0], e.interval()[1], e.samples(), e.seed(),
                e.better().word(), e.accepted())));
    }
}
