package io.clip4j.image;

import java.util.Objects;
import java.util.Set;

/**
 * An image as Pillow holds it after {@code Image.open(...).load()}: a mode string and the raw samples of that mode.
 *
 * <p>Layout by mode (row-major, pixel-interleaved):
 * <ul>
 *   <li>{@code "1"}, {@code "L"}, {@code "P"}: one byte per pixel ({@code "1"} stores 0 or 255 like Pillow's image8);
 *       {@code "P"} also has a palette;</li>
 *   <li>{@code "LA"}: two bytes (L, A); {@code "RGB"}: three; {@code "RGBA"}, {@code "CMYK"}: four;</li>
 *   <li>{@code "I"} (32-bit signed) and {@code "I;16"} (unsigned 16-bit): one int per pixel in {@link #intSamples()}.</li>
 * </ul>
 * Immutable: accessors hand out copies; the package uses the arrays directly.
 */
public final class DecodedImage {
    /** Pillow modes this class can hold. */
    public static final Set<String> MODES = Set.of("1", "L", "LA", "P", "RGB", "RGBA", "CMYK", "I", "I;16");

    private final String mode;
    private final int width;
    private final int height;
    final byte[] samples; // byte modes
    final int[] intSamples; // "I" and "I;16"
    final byte[] palette; // "P": RGB triplets, 256 entries (Pillow pads missing ones with a grey ramp)
    private final int paletteSize;
    private final byte[] paletteAlpha; // "P": tRNS alpha per entry (length <= 256), or null
    private final int[] transparentColor; // "L"/"RGB"/"I": tRNS colour (1 or 3 values), or null

    DecodedImage(
            String mode,
            int width,
            int height,
            byte[] samples,
            int[] intSamples,
            byte[] palette,
            int paletteSize,
            byte[] paletteAlpha,
            int[] transparentColor) {
        if (!MODES.contains(mode)) throw new IllegalArgumentException("unsupported mode " + mode);
        this.mode = mode;
        this.width = width;
        this.height = height;
        this.samples = samples;
        this.intSamples = intSamples;
        this.palette = palette;
        this.paletteSize = paletteSize;
        this.paletteAlpha = paletteAlpha;
        this.transparentColor = transparentColor;
        if (isIntMode(mode)) {
            Objects.requireNonNull(intSamples);
            if (intSamples.length != width * height) throw new IllegalArgumentException("bad sample count");
        } else {
            Objects.requireNonNull(samples);
            if (samples.length != (long) width * height * bands(mode))
                throw new IllegalArgumentException("bad sample count");
        }
        if (mode.equals("P") && (palette == null || palette.length != 768)) {
            throw new IllegalArgumentException("P image needs a 256-entry palette");
        }
    }

    static DecodedImage of8(String mode, int width, int height, byte[] samples) {
        return new DecodedImage(mode, width, height, samples, null, null, 0, null, null);
    }

    static DecodedImage ofInt(String mode, int width, int height, int[] samples) {
        return new DecodedImage(mode, width, height, null, samples, null, 0, null, null);
    }

    /** A "P" image; {@code rgb} holds {@code size} RGB triplets (size <= 256), the rest becomes Pillow's grey ramp. */
    static DecodedImage ofPalette(int width, int height, byte[] indices, byte[] rgb, int size, byte[] alpha) {
        return new DecodedImage("P", width, height, indices, null, fullPalette(rgb, size), size, alpha, null);
    }

    static byte[] fullPalette(byte[] rgb, int size) {
        byte[] pal = new byte[768];
        for (int i = 0; i < 256; i++) {
            pal[3 * i] = pal[3 * i + 1] = pal[3 * i + 2] = (byte) i;
        }
        System.arraycopy(rgb, 0, pal, 0, Math.min(3 * size, 768));
        return pal;
    }

    DecodedImage withTransparentColor(int[] colour) {
        return new DecodedImage(mode, width, height, samples, intSamples, palette, paletteSize, paletteAlpha, colour);
    }

    /** Same mode and palette, new pixels. */
    DecodedImage withPixels(int width, int height, byte[] samples, int[] intSamples) {
        return new DecodedImage(
                mode, width, height, samples, intSamples, palette, paletteSize, paletteAlpha, transparentColor);
    }

    static boolean isIntMode(String mode) {
        return mode.equals("I") || mode.equals("I;16");
    }

    /** Bytes per pixel for byte modes, 1 for int modes. */
    static int bands(String mode) {
        return switch (mode) {
            case "LA" -> 2;
            case "RGB" -> 3;
            case "RGBA", "CMYK" -> 4;
            default -> 1;
        };
    }

    public String mode() {
        return mode;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }
    /** Samples per pixel in {@link #samples()} (1 for int modes). */
    public int bands() {
        return bands(mode);
    }

    /** Byte samples (pixel-interleaved), or null for "I"/"I;16". */
    public byte[] samples() {
        return samples == null ? null : samples.clone();
    }

    /** Int samples for "I"/"I;16", or null. */
    public int[] intSamples() {
        return intSamples == null ? null : intSamples.clone();
    }

    /** The 256-entry RGB palette of a "P" image (768 bytes), or null. */
    public byte[] palette() {
        return palette == null ? null : palette.clone();
    }

    /** Number of palette entries the file defined. */
    public int paletteSize() {
        return paletteSize;
    }

    /** Alpha per palette entry from the file's transparency (PNG tRNS, GIF transparent index), or null. */
    public byte[] paletteAlpha() {
        return paletteAlpha == null ? null : paletteAlpha.clone();
    }

    /** Single transparent colour of an "L"/"RGB"/"I" image (Pillow's info["transparency"]), or null. */
    public int[] transparentColor() {
        return transparentColor == null ? null : transparentColor.clone();
    }

    /** The sample at (x, y, band) as an int (0..255 for byte modes). */
    public int sample(int x, int y, int band) {
        if (intSamples != null) return intSamples[y * width + x];
        return samples[(y * width + x) * bands() + band] & 0xFF;
    }

    @Override
    public String toString() {
        return "DecodedImage[" + mode + " " + width + "x" + height + "]";
    }
}
