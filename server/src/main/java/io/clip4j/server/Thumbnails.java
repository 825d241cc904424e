package io.clip4j.server;

import io.clip4j.Clip4jException;
import io.clip4j.image.DecodedImage;
import io.clip4j.image.ImageDecoder;
import io.clip4j.image.PillowConvert;
import io.clip4j.image.PillowResize;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * JPEG thumbnails (at most {@code size} px on the long side) of indexed files, kept in an LRU cache bounded in
 * bytes. A cached thumbnail is reused while its file's size and modification time are unchanged.
 *
 * <p>Decoding goes through the project's own decoders (so the pixel limit applies before pixel memory is
 * allocated) and Pillow's bicubic resize; at most one decode per core runs at once, so a page full of
 * thumbnails cannot starve the searches of CPU.
 */
final class Thumbnails {
    private static final float JPEG_QUALITY = 0.85f;

    private record Entry(long fileSize, FileTime modified, byte[] jpeg) {}

    private final int size;
    private final long budgetBytes;
    private final Semaphore decoders =
            new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()));
    private final LinkedHashMap<String, Entry> cache = new LinkedHashMap<>(64, 0.75f, true);
    private long cachedBytes;

    Thumbnails(int size, long budgetBytes) {
        this.size = size;
        this.budgetBytes = budgetBytes;
    }

    /** The thumbnail of an indexed file; throws HttpError 404 when the file is gone. */
    byte[] of(String id, Path file) {
        long fileSize;
        FileTime modified;
        try {
            fileSize = Files.size(file);
            modified = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw HttpError.notFound("image " + id + ": its file is no longer readable");
        }
        synchronized (this) {
            Entry e = cache.get(id);
            if (e != null && e.fileSize == fileSize && e.modified.equals(modified)) return e.jpeg;
        }
        byte[] jpeg = make(id, file);
        put(id, new Entry(fileSize, modified, jpeg));
        return jpeg;
    }

    synchronized int cachedCount() {
        return cache.size();
    }

    private synchronized void put(String id, Entry e) {
        if (e.jpeg.length > budgetBytes) return;
        Entry old = cache.put(id, e);
        if (old != null) cachedBytes -= old.jpeg.length;
        cachedBytes += e.jpeg.length;
        for (Iterator<Map.Entry<String, Entry>> it = cache.entrySet().iterator();
                cachedBytes > budgetBytes && it.hasNext(); ) {
            cachedBytes -= it.next().getValue().jpeg.length;
            it.remove();
        }
    }

    private byte[] make(String id, Path file) {
        decoders.acquireUninterruptibly();
        try {
            DecodedImage image = ImageDecoder.decode(file);
            return encodeJpeg(shrink(image));
        } catch (Clip4jException e) {
            throw new HttpError(422, "image " + id + ": cannot make a thumbnail (" + e.getMessage() + ")");
        } finally {
            decoders.release();
        }
    }

    private BufferedImage shrink(DecodedImage image) {
        int w = image.width(), h = image.height();
        byte[] rgb = PillowConvert.toRgb(image);
        int longSide = Math.max(w, h);
        if (longSide > size) {
            int tw = Math.max(1, (int) Math.round((double) w * size / longSide));
            int th = Math.max(1, (int) Math.round((double) h * size / longSide));
            rgb = PillowResize.resize8(rgb, w, h, 3, tw, th, PillowResize.fullBox(w, h), PillowResize.Filter.BICUBIC);
            w = tw;
            h = th;
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        return out;
    }

    private static byte[] encodeJpeg(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * 1024);
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new IllegalStateException("JPEG encoding failed in memory", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
