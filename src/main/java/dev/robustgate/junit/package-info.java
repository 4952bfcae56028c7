/** What a spec uses: @RobustnessSpec, @Victim, @Samples and the AssertJ-style gates. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
package dev.robustgate.junit;

import org.apiguardian.api.API;
