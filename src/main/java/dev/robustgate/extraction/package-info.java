/** Model stealing: Knockoff Nets, query sets, equation-solving extraction. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
package dev.robustgate.extraction;

import org.apiguardian.api.API;
