/** RobustGate's root: the exception every data, model and cache fault is, and atomic file writes. */
@API(status = API.Status.STABLE, since = "0.1")
package dev.robustgate;

import org.apiguardian.api.API;
