/** The Allure bridge, image grids and curves. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
package dev.robustgate.report;

import org.apiguardian.api.API;
