/** Evasion attacks (FGSM, PGD, C&W, DeepFool, Square, JSMA, ensembles) and their public SPI. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
package dev.robustgate.attack;

import org.apiguardian.api.API;
