/**
 * Model files as victims: {@link dev.robustgate.model.load.ModelFiles} (ONNX, DL4J zips, Keras HDF5),
 * ONNX and DL4J/Keras networks translated onto the graph executor, DL4J zips read without Java
 * deserialization. Depends on {@code model} and {@code model.graph}; neither depends on it.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
package dev.robustgate.model.load;

import org.apiguardian.api.API;
