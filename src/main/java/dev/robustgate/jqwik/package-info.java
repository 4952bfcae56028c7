/** jqwik arbitraries and the domain of attack configurations. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
package dev.robustgate.jqwik;

import org.apiguardian.api.API;
