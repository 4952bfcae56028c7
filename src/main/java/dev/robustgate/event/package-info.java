/** Typed events published synchronously, and the listeners that turn them into progress, logs and reports. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
package dev.robustgate.event;

import org.apiguardian.api.API;
