/** Measured proportions with confidence intervals, and checks for gradient masking. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
package dev.robustgate.metric;

import org.apiguardian.api.API;
