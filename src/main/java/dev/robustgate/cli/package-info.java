/** Not for users as a library: ./robustgate's commands (needs the optional picocli). */
@API(status = API.Status.INTERNAL, since = "0.1")
package dev.robustgate.cli;

import org.apiguardian.api.API;
