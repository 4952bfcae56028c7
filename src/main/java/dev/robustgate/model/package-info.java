/** Classifiers: black box (probabilities, counted queries) and white box (logits and input gradients) and InputSpec; the loaders of model files are in model.load, which depends on this package, never the reverse. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
package dev.robustgate.model;

import org.apiguardian.api.API;
