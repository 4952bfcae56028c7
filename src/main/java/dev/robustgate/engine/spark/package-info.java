/** The Spark engine (needs the optional Spark dependency). */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
package dev.robustgate.engine.spark;

import org.apiguardian.api.API;
