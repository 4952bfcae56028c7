/** The white-box graph executor: a DAG of libnd4j ops with forward and input-only backward. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
package dev.robustgate.model.graph;

import org.apiguardian.api.API;
