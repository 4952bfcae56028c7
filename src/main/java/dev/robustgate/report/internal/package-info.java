/** Not for users: the start of a run's Allure results (clearing the previous run, categories.json). */
@API(status = API.Status.INTERNAL, since = "0.1")
package dev.robustgate.report.internal;

import org.apiguardian.api.API;
