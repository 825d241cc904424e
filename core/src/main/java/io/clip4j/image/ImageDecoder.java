package io.clip4j.image;

import io.clip4j.Clip4jException;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.function.IntUnaryOperator;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG, JPEG, GIF and BMP files into the {@link DecodedImage} Pillow 9.4's {@code Image.open(...)} would
 * give: same mode, same samples. EXIF orientation is not applied (the reference does not).
 *
 * <p>Each format's header is parsed here first, so the pixel limit is enforced before any pixel memory is
 * allocated, and so the mode follows Pillow's plugin rules rather than Java's colour models. Java's ImageIO then
 * supplies raw samples only (rasters, never its colour-converted RGB): it applies no gamma, ICC or palette
 * expansion to rasters.
 *
 * <p>Broken files: where Pillow refuses a file as broken or truncated, so does this decoder, with one line naming
 * the file, even where ImageIO would decode something (it is lenient and pads or guesses). Concretely: PNG chunk
 * CRCs are checked for every chunk before the first IDAT (Pillow checks those while opening and skips the rest);
 * a PNG, GIF or JPEG that ends early is truncated; GIF LZW codes that refer past the code table are a broken data
 * stream; a BMP whose uncompressed rows do not all fit in the file is truncated, and so is RLE data that stops
 * before the last pixel ({@link BmpRleDecoder}, which decodes RLE8/RLE4 as Pillow does). Where Pillow decodes a
 * damaged file anyway (data after IEND, a bad IDAT CRC, garbage between JPEG markers) so does this one. Work is
 * bounded before decoding: the pixel limit from the header, and for progressive JPEGs the number of scans and of
 * passes over each component ({@link JpegDecoder#checkScans}: a few hundred kB of tiny scans would otherwise
 * each walk the whole image again).
 */
public final class ImageDecoder {
    /** Pillow's {@code Image.MAX_IMAGE_PIXELS}: 1024 * 1024 * 1024 // 4 // 3. */
    public static final long DEFAULT_MAX_PIXELS = 1024L * 1024 * 1024 / 4 / 3;

    private ImageDecoder() {}

    public static DecodedImage decode(Path file) {
        return decode(file, DEFAULT_MAX_PIXELS);
    }

    /** Reads the file through {@link ImageFileReader} (regular files only, size-capped), then decodes it. */
    public static DecodedImage decode(Path file, long maxPixels) {
        return decode(ImageFileReader.read(file), file.toString(), maxPixels);
    }

    /** Whether the leading bytes are those of an image format (PNG, JPEG, GIF, BMP, WebP, TIFF), whatever the name or type. */
    public static boolean looksLikeImage(byte[] encoded) {
        return ImageFormat.sniff(encoded) != null;
    }

    public static DecodedImage decode(byte[] encoded, String nameForErrors, long maxPixels) {
        String name = nameForErrors == null ? "<image>" : nameForErrors;
        if (encoded == null || encoded.length == 0) throw new Clip4jException(name + ": empty file");
        ImageFormat format = ImageFormat.sniff(encoded);
        if (format == null) throw new Clip4jException(name + ": not an image (unrecognised format)");
        try {
            return switch (format) {
                case PNG -> PngDecoder.decode(encoded, name, maxPixels);
                case JPEG -> JpegDecoder.decode(encoded, name, maxPixels);
                case GIF -> GifDecoder.decode(encoded, name, maxPixels);
                case BMP -> BmpDecoder.decode(encoded, name, maxPixels);
                case WEBP, TIFF -> decodeWithPlugin(encoded, name, format, maxPixels);
            };
        } catch (Clip4jException e) {
            throw e;
        } catch (OutOfMemoryError e) {
            throw new Clip4jException(name + ": not enough memory to decode the " + format + " image");
        } catch (RuntimeException e) {
            // ImageIO readers signal some corrupt data with unchecked exceptions (e.g. ArrayIndexOutOfBounds)
            throw new Clip4jException(name + ": corrupt " + format + " data (" + oneLine(e) + ")");
        }
    }

    static void checkPixels(String name, long width, long height, long maxPixels) {
        if (width <= 0 || height <= 0) {
            throw new Clip4jException(name + ": invalid image size " + width + "x" + height);
        }
        long pixels = width * height;
        if (pixels > maxPixels) {
            throw new Clip4jException(name + ": " + width + "x" + height + " = " + pixels
                    + " pixels exceeds the limit of " + maxPixels + " (decompression bomb?)");
        }
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        String s = e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        return s.replaceAll("\\s+", " ").trim();
    }

    /** Result of an ImageIO read: the image and whether the reader warned about premature end of data. */
    record IioResult(BufferedImage image, Raster raster, boolean truncated) {}

    /**
     * Reads image 0 with the first ImageIO reader for {@code formatName}. With {@code rawRaster}, returns the
     * decoder's raster without any colour conversion (JPEG: YCbCr/CMYK/YCCK samples as stored).
     */
    static IioResult readWithImageIO(byte[] encoded, String name, String formatName, boolean rawRaster) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(formatName);
        if (!readers.hasNext()) {
            throw new Clip4jException(name + ": " + formatName + " images are not supported");
        }
        ImageReader reader = readers.next();
        String label = formatName.toUpperCase(Locale.ROOT);
        boolean[] truncated = {false};
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener(new IIOReadWarningListener() {
                @Override
                public void warningOccurred(ImageReader source, String warning) {
                    String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
                    if (w.contains("premature end") || w.contains("truncat")) truncated[0] = true;
                }
            });
            if (rawRaster) {
                Raster r = reader.readRaster(0, null);
                return new IioResult(null, r, truncated[0]);
            }
            BufferedImage img = reader.read(0);
            return new IioResult(img, img.getRaster(), truncated[0]);
        } catch (IIOException e) {
            Throwable c = e;
            while (c != null) {
                if (c instanceof EOFException) {
                    throw new Clip4jException(name + ": truncated " + label + " data");
                }
                c = c.getCause();
            }
            throw new Clip4jException(name + ": corrupt " + label + " data (" + oneLine(e) + ")");
        } catch (IOException e) {
            throw new Clip4jException(name + ": cannot decode " + label + " data (" + oneLine(e) + ")");
        } finally {
            reader.dispose();
        }
    }

    /** WebP/TIFF when an ImageIO plugin is installed: size checked from the reader's header parse first. */
    private static DecodedImage decodeWithPlugin(byte[] encoded, String name, ImageFormat format, long maxPixels) {
        String fmt = format.name();
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(fmt);
        if (!readers.hasNext()) throw new Clip4jException(name + ": " + fmt + " images are not supported");
        ImageReader reader = readers.next();
        BufferedImage img;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            reader.setInput(in, true, true);
            checkPixels(name, reader.getWidth(0), reader.getHeight(0), maxPixels);
            img = reader.read(0);
        } catch (IOException e) {
            throw new Clip4jException(name + ": corrupt " + fmt + " data (" + oneLine(e) + ")");
        } finally {
            reader.dispose();
        }
        return fromBufferedImage(img);
    }

    /**
     * The Pillow image with the same content as a Java image: "L" for single-band grey, "RGBA" when it has alpha,
     * "RGB" otherwise. Colours are taken in sRGB (as {@link BufferedImage#getRGB} gives them, non-premultiplied).
     */
    public static DecodedImage fromBufferedImage(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        ColorModel cm = img.getColorModel();
        if (img.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            byte[] l = new byte[w * h];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRaster().getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) l[y * w + x] = (byte) row[x];
            }
            return DecodedImage.of8("L", w, h, l);
        }
        boolean alpha = cm.hasAlpha();
        int bands = alpha ? 4 : 3;
        byte[] s = new byte[w * h * bands];
        int[] argb = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, argb, 0, w);
            for (int x = 0; x < w; x++) {
                int p = (y * w + x) * bands;
                int v = argb[x];
                s[p] = (byte) (v >> 16);
                s[p + 1] = (byte) (v >> 8);
                s[p + 2] = (byte) v;
                if (alpha) s[p + 3] = (byte) (v >>> 24);
            }
        }
        return DecodedImage.of8(alpha ? "RGBA" : "RGB", w, h, s);
    }

    /** Copies raster bands into an interleaved byte array, each sample mapped through {@code scale}. */
    static byte[] bandsToBytes(Raster r, int[] bandIndices, IntUnaryOperator scale) {
        int w = r.getWidth();
        int h = r.getHeight();
        int n = bandIndices.length;
        byte[] out = new byte[w * h * n];
        int[] row = new int[w];
        for (int b = 0; b < n; b++) {
            for (int y = 0; y < h; y++) {
                r.getSamples(r.getMinX(), r.getMinY() + y, w, 1, bandIndices[b], row);
                int base = y * w * n + b;
                for (int x = 0; x < w; x++) out[base + x * n] = (byte) scale.applyAsInt(row[x]);
            }
        }
        return out;
    }

    static byte[] paletteOf(IndexColorModel icm) {
        int n = Math.min(icm.getMapSize(), 256);
        byte[] r = new byte[n], g = new byte[n], b = new byte[n];
        icm.getReds(r);
        icm.getGreens(g);
        icm.getBlues(b);
        byte[] rgb = new byte[3 * n];
        for (int i = 0; i < n; i++) {
            rgb[3 * i] = r[i];
            rgb[3 * i + 1] = g[i];
            rgb[3 * i + 2] = b[i];
        }
        return rgb;
    }

    static int bitsOf(DirectColorModel dcm, int band) {
        return dcm.getComponentSize(band);
    }
}
