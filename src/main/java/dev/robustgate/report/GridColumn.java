package dev.robustgate.report;

/**
 * One column of an {@link ImageGrid}: a clean input, its adversarial counterpart, and what the model
 * said about each.
 *
 * <p>Pixels are plain {@code float} values in {@code [0,1]}, laid out row-major as {@code H*W} for
 * grayscale or channel-first {@code C*H*W} (C = 1 or 3), exactly as an ND4J {@code [C,H,W]} array
 * flattens. The shape itself is given to {@link ImageGrid#render} once for the whole grid; this record
 * only checks what it can check alone (non-null arrays, equal lengths).
 *
 * <p>The arrays are not copied: the caller must not mutate them until the grid has been rendered.
 *
 * @param clean              the unperturbed input
 * @param adversarial        the perturbed input, same layout as {@code clean}
 * @param cleanCaption       shown under the clean image, e.g. {@code "Sneaker"}; {@code null} means none
 * @param adversarialCaption shown under the adversarial image, e.g. {@code "Sandal (0.93)"}; {@code null} means none
 * @param success            whether the attack fooled the model; decides the adversarial caption's colour
 */
public record GridColumn(
        float[] clean, float[] adversarial, String cleanCaption, String adversarialCaption, boolean success) {

    public GridColumn {
        if (clean == null) {
            throw new IllegalArgumentException("clean pixels must not be null");
        }
        if (adversarial == null) {
            throw new IllegalArgumentException("adversarial pixels must not be null");
        }
        if (clean.length != adversarial.length) {
            throw new IllegalArgumentException("clean has " + clean.length + " values but adversarial has "
                    + adversarial.length + "; both must have the same layout");
        }
        cleanCaption = cleanCaption == null ? "" : cleanCaption;
        adversarialCaption = adversarialCaption == null ? "" : adversarialCaption;
    }
}
