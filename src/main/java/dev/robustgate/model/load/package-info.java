/** Model file formats: ONNX to the graph executor, DL4J zips read without Java deserialization. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
package dev.robustgate.model.load;

import org.apiguardian.api.API;
