package dev.robustgate.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.robustgate.AtomicFiles;
import dev.robustgate.RobustGateException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What one {@code ./robustgate bench} run measured, as written to and read from JSON. */
public record BenchmarkReport(String model, String execution, Map<String, String> settings, MachineInfo machine,
                              List<Measurement> cases, MachineInfo machineAtEnd) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public Measurement find(String name) {
        return cases.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    public void write(Path file) {
        try {
            AtomicFiles.write(file, out -> JSON.writeValue(out, this));
        } catch (IOException e) {
            throw new RobustGateException(file + ": cannot write the benchmark report (" + e.getMessage() + ")", e);
        }
    }

    public static BenchmarkReport read(Path file) {
        if (!Files.isRegularFile(file)) throw new RobustGateException(file + ": no such benchmark report");
        try {
            return JSON.readValue(file.toFile(), BenchmarkReport.class);
        } catch (IOException e) {
            throw new RobustGateException(file + ": not a benchmark report written by ./robustgate bench ("
                    + e.getMessage() + ")", e);
        }
    }
}
