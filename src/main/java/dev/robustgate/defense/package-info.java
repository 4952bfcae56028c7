/** Training recipes that defend a victim: adversarial training, distillation, augmentation. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
package dev.robustgate.defense;

import org.apiguardian.api.API;
