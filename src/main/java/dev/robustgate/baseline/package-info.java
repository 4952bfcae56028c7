/** Accepted gate values and the significance test a regression must pass. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
package dev.robustgate.baseline;

import org.apiguardian.api.API;
