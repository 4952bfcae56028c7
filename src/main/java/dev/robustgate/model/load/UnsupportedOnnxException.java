package dev.robustgate.model.load;

/** An ONNX construct the graph executor cannot run; the loader prefixes the file's name. */
public final class UnsupportedOnnxException extends RuntimeException {
    UnsupportedOnnxException(String message) {
        super(message);
    }
}
