/** Classifiers: black box (probabilities, counted queries) and white box (logits and input gradients); InputSpec and the loaders of model files. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
package dev.robustgate.model;

import org.apiguardian.api.API;
