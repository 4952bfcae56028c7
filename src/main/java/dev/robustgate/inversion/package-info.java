/** Model inversion: MI-Face and a conditional GAN. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
package dev.robustgate.inversion;

import org.apiguardian.api.API;
