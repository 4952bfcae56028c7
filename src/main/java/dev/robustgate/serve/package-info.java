/** A bounded prediction API in front of a model (the black box of the stealing specs). */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
package dev.robustgate.serve;

import org.apiguardian.api.API;
