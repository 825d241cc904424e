package io.clip4j.data;

import io.clip4j.image.DecodedImage;
import io.clip4j.image.ImagePreprocessor;
import io.clip4j.image.PillowImageOps;
import java.util.Random;

/**
 * The two image pipelines of training, on Pillow-mode images:
 * <ul>
 *   <li>evaluation ({@code rng == null}): {@link ImagePreprocessor} exactly (resize shorter side, centre crop);</li>
 *   <li>training: open_clip's {@code Compose([RandomResizedCrop(R, scale=(0.9, 1.0), interpolation=BICUBIC),
 *       convert("RGB"), ToTensor(), Normalize(mean, std)])}. torchvision's {@code F.resized_crop} on a PIL image is
 *       {@code img.crop(box).resize((R, R), BICUBIC)}: the crop comes first, so pixels outside the box never enter
 *       the filter (a Pillow {@code resize(..., box=...)} would let them in near the edges).</li>
 * </ul>
 * Stateless and thread-safe (the caller owns the {@link Random}).
 */
public final class ImageTransforms {
    private ImageTransforms() {}

    /** CHW float[3 * R * R]; {@code rng} null = evaluation transform. */
    public static float[] pixels(DecodedImage image, int resolution, float[] mean, float[] std, Random rng) {
        return pixels(image, resolution, mean, std, rng, RandomResizedCrop.OPEN_CLIP);
    }

    public static float[] pixels(
            DecodedImage image, int resolution, float[] mean, float[] std, Random rng, RandomResizedCrop crop) {
        ImagePreprocessor pre = new ImagePreprocessor(resolution, mean, std);
        if (rng == null) return pre.preprocess(image);
        RandomResizedCrop.Box box = crop.params(image.width(), image.height(), rng);
        DecodedImage cropped = PillowImageOps.crop(image, box.left(), box.top(), box.width(), box.height());
        DecodedImage resized = PillowImageOps.resizeBicubic(cropped, resolution, resolution, null);
        // resize to R x R then centre crop to R x R is the identity crop: this is convert("RGB") + ToTensor + Normalize
        return pre.preprocess(resized);
    }
}
