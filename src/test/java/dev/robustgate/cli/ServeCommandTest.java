package dev.robustgate.cli;

import dev.robustgate.model.RemoteClassifier;
import dev.robustgate.model.RemoteQueryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ServeCommandTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--port 70000                          | --port must be in [0, 65535], got 70000",
            "--port 0 --policy blur                | unknown output policy 'blur'",
            "--port 0 --api-key-env NO_SUCH_VAR_15 | --api-key-env NO_SUCH_VAR_15: that environment variable is unset or empty",
            "--port 0 --rate-limit -1              | --rate-limit must be a number of queries per second > 0, got -1.0",
            "--port 0 --deadline 0                 | --deadline must be in (0, 3600] seconds, got 0.0",
            "--port 0 --bind no-such-host.invalid  | --bind no-such-host.invalid: not an address of this machine",
    })
    void badOptionsAreOneLineAndExit2BeforeAnyModelIsLoaded(String options, String message) {
        // An unknown victim would fail too, later: every option is checked first.
        String[] args = ("serve --victim no-such-victim " + options.trim()).split(" +");
        CliRun.Result r = CliRun.run(args);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.errLines()).as(r.toString()).singleElement().asString().contains(message);
    }

    @Test
    void servesANamedVictimOnLoopbackWithAKeyAndAPolicy() {
        ServeCommand serve = new ServeCommand();
        CommandLine cli = new CommandLine(serve);
        // PATH is set in every environment, so it stands in for a secret here.
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute(
                "--victim", "fashion-mlp-ci", "--port", "0", "--policy", "top1", "--api-key-env", "PATH", "--rate-limit", "1000"));
        try {
            await().atMost(Duration.ofMinutes(5)).until(() -> serve.running != null || exit.isDone());
            assertThat(exit).isNotDone();
            assertThat(serve.running.uri().getHost()).isEqualTo("127.0.0.1");
            assertThatThrownBy(() -> RemoteClassifier.at(serve.running.uri()).connect())
                    .isInstanceOf(RemoteQueryException.class).hasMessageContaining("401");
            RemoteClassifier remote = RemoteClassifier.at(serve.running.uri()).apiKey(System.getenv("PATH"))
                    .timeout(Duration.ofSeconds(60)).connect();
            assertThat(remote.policy()).isEqualTo("top1");
            assertThat(remote.labelsOnly()).isTrue();
            var x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 1, 28, 28);
            assertThat(remote.predict(x)).containsExactly(dev.robustgate.fixture.Victims.standard().get("fashion-mlp-ci").model().predict(x));
            assertThat(serve.running.queriesAnswered()).isEqualTo(4);
        } finally {
            serve.stop.countDown();
        }
        assertThat(exit.join()).isZero();
    }

    @Test
    void servesAModelFileWithTheDeclaredInput(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        var net = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .seed(5).list()
                .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(5, 5).nIn(3).nOut(4).build())
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nOut(10)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.convolutional(8, 8, 3)).build());
        net.init();
        java.nio.file.Path zip = dir.resolve("colour.zip");
        org.deeplearning4j.util.ModelSerializer.writeModel(net, zip.toFile(), false);
        ServeCommand serve = new ServeCommand();
        CommandLine cli = new CommandLine(serve);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute(
                "--model", zip.toString(), "--input-shape", "3,8,8", "--mean", "0.5,0.4,0.3", "--std", "0.25,0.25,0.2", "--port", "0"));
        try {
            await().atMost(Duration.ofMinutes(5)).until(() -> serve.running != null || exit.isDone());
            assertThat(exit).isNotDone();
            RemoteClassifier remote = RemoteClassifier.at(serve.running.uri()).timeout(Duration.ofSeconds(60)).connect();
            assertThat(remote.sampleShape()).containsExactly(3, 8, 8);
            assertThat(remote.numClasses()).isEqualTo(10);
            var x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3, 8, 8);
            var local = dev.robustgate.model.load.ModelFiles.load(zip, new dev.robustgate.model.InputDeclaration(
                    new long[]{3, 8, 8}, null, new double[]{0.5, 0.4, 0.3}, new double[]{0.25, 0.25, 0.2}, null, null));
            double[][] served = remote.probabilities(x).toDoubleMatrix(), expected = local.probabilities(x).toDoubleMatrix();
            for (int i = 0; i < 2; i++) {
                assertThat(served[i]).containsExactly(expected[i], org.assertj.core.api.Assertions.within(1e-6));
            }
        } finally {
            serve.stop.countDown();
        }
        assertThat(exit.join()).isZero();
        CliRun.Result r = CliRun.run("serve", "--victim", "fashion-mlp-ci", "--mean", "0.5", "--port", "0");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().asString().contains("--mean: applies to --model only");
    }

    @Test
    void aWriteThatFailsAfterTheWorkIsOneLineNotAStackTrace() {
        CommandLine cli = RobustGateCli.commandLine();
        cli.addSubcommand("late-write", new LateWrite());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("late-write");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().lines().toList()).singleElement().asString()
                .isEqualTo("robustgate late-write: cannot write output: java.nio.file.AccessDeniedException: /out/result.json");
    }

    @CommandLine.Command(name = "late-write")
    static final class LateWrite implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            throw new java.nio.file.AccessDeniedException("/out/result.json");
        }
    }
}
