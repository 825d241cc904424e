package io.clip4j.data;

import io.clip4j.Clip4jException;
import io.clip4j.data.SyntheticScene.Size;

/**
 * How big the synthetic shapes are and how their captions are worded.
 *
 * <ul>
 *   <li>{@link #DESCRIPTIVE} ({@code clip4j synth}'s): small and large shapes of 0.15 and 0.28 of the side, captions
 *       in six wordings that also name the position and sometimes the background;</li>
 *   <li>{@link #COMPACT} (the quickstart's, for 16 px models): shapes 1.6 times as large, so that a small circle,
 *       hexagon and pentagon still differ at 16 x 16 pixels (at 0.15 they are the same 5-pixel blob), and captions
 *       "a [small|large] red circle" that name nothing the image tower has to learn besides colour, shape and size:
 *       position and background words spend the contrastive signal on nuisances, and make the captions three times
 *       as long for the text tower.</li>
 * </ul>
 *
 * @param smallRadius circumradius of a small shape as a fraction of the side (each scene varies it by +/- 10 %)
 * @param largeRadius the same for a large shape
 */
public record SceneStyle(double smallRadius, double largeRadius, Wording wording) {
    public enum Wording {
        DESCRIPTIVE,
        COMPACT
    }

    public static final SceneStyle DESCRIPTIVE = new SceneStyle(0.15, 0.28, Wording.DESCRIPTIVE);
    public static final SceneStyle COMPACT = new SceneStyle(0.24, 0.45, Wording.COMPACT);

    public SceneStyle {
        // 1.1 x the radius must fit in half the side
        if (!(smallRadius > 0 && smallRadius < largeRadius && largeRadius <= 0.45)) {
            throw new Clip4jException(
                    "shape radii must satisfy 0 < small < large <= 0.45, got " + smallRadius + ", " + largeRadius);
        }
    }

    public double radius(Size size) {
        return size == Size.SMALL ? smallRadius : largeRadius;
    }
}
