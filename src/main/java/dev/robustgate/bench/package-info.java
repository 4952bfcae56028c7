/** Not for users as a library: ./robustgate bench (needs the optional HdrHistogram). */
@API(status = API.Status.INTERNAL, since = "0.1")
package dev.robustgate.bench;

import org.apiguardian.api.API;
