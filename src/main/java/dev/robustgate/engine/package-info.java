/** Where an evaluation runs: in-process or partitioned, with an exact merge. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
package dev.robustgate.engine;

import org.apiguardian.api.API;
