/** The graph executor's ops, one class each. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
package dev.robustgate.model.graph.ops;

import org.apiguardian.api.API;
