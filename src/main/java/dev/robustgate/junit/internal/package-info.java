/** Not for users: the gate table and the JUnit Platform listener that prints it at the end of a run. */
@API(status = API.Status.INTERNAL, since = "0.1")
package dev.robustgate.junit.internal;

import org.apiguardian.api.API;
