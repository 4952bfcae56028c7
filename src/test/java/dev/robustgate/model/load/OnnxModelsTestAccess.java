package dev.robustgate.model.load;

import onnx.Onnx;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a serialized ONNX TensorProto (the .pb test fixtures) for tests outside this package. */
public final class OnnxModelsTestAccess {
    private OnnxModelsTestAccess() {}

    public static INDArray tensor(Path pb) throws IOException {
        return OnnxTensors.toArray(Onnx.TensorProto.parseFrom(Files.readAllBytes(pb)));
    }
}
