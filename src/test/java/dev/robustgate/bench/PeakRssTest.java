package dev.robustgate.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsing and formatting of the peak RSS that {@code ./robustgate bench} prints (not real values). */
class PeakRssTest {
    private static final String STATUS = """
            Name:\tjava
            VmPeak:\t 9876543 kB
            VmSize:\t 9000000 kB
            VmHWM:\t  1234567 kB
            VmRSS:\t  1000000 kB
            Threads:\t42
            """;

    @Test
    void readsVmHwmInKibibytes() {
        assertThat(PeakRss.parse(STATUS)).hasValue(1234567L * 1024);
    }

    @Test
    void doesNotConfuseOtherFieldsOrAMissingLine() {
        assertThat(PeakRss.parse("VmPeak:\t 5 kB\nVmRSS:\t 3 kB\n")).isEmpty();
        assertThat(PeakRss.parse("")).isEmpty();
        assertThat(PeakRss.parse("XVmHWM:\t 7 kB\n")).isEmpty();
        assertThat(PeakRss.parse("VmHWM:\t 7 MB\n")).as("an unknown unit is not read as kB").isEmpty();
    }

    @Test
    void formatsGigabytesMegabytesAndNotAvailable() {
        assertThat(PeakRss.format(1_264_000_000L)).isEqualTo("1.26 GB");
        assertThat(PeakRss.format(456_400_000L)).isEqualTo("456 MB");
        assertThat(PeakRss.format(null)).isEqualTo("n/a (no VmHWM in /proc/self/status: not Linux)");
        assertThatThrownBy(() -> PeakRss.format(-1L)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMeasurementCarriesItThroughTheJsonReportAndAnOldReportReadsAsNotAvailable() throws Exception {
        Measurement m = new Measurement("gradient", "g", 10, List.of(1.0), 10, 0, Map.of()).withMaxRss(123L * 1024 * 1024);
        MachineInfo machine = new MachineInfo(2, "jvm", "os", "backend", "blas", 2, 2, 2, "null", 1.0);
        java.nio.file.Path f = java.nio.file.Files.createTempFile("bench", ".json");
        try {
            new BenchmarkReport("m", "n/a", Map.of(), machine, List.of(m), machine).write(f);
            assertThat(java.nio.file.Files.readString(f)).contains("\"maxRssBytes\" : " + 123L * 1024 * 1024);
            assertThat(BenchmarkReport.read(f).find("gradient").maxRssBytes()).isEqualTo(123L * 1024 * 1024);
            java.nio.file.Files.writeString(f, java.nio.file.Files.readString(f).replaceAll("\"maxRssBytes\" : \\d+,?", ""));
            assertThat(BenchmarkReport.read(f).find("gradient").maxRssBytes()).isNull();
        } finally {
            java.nio.file.Files.deleteIfExists(f);
        }
    }

    @Test
    void onThisMachineEitherANumberOrNothing() {
        // Not a value check: on Linux a positive number, elsewhere empty, never 0.
        OptionalLong b = PeakRss.bytes();
        b.ifPresent(v -> assertThat(v).isPositive());
    }
}
