package io.clip4j.image;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Parity with the CLIP reference (torchvision 0.14.1 + Pillow 9.4.0) on the fixture images.
 * expected_224_levels.bin.gz holds, per file, the reference tensor mapped back to 8-bit levels
 * (round((x * std + mean) * 255); every value was within 2e-5 of an integer), CHW, as
 * [u16 name length][name][3*224*224 bytes] records.
 */
class ReferenceFixturesTest {
    static final int R = 224;
    static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

    static Map<String, byte[]> expectedLevels() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (InputStream raw = ReferenceFixturesTest.class.getResourceAsStream("/image/expected_224_levels.bin.gz");
                DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
            while (true) {
                int len;
                try {
                    len = in.readUnsignedShort();
                } catch (EOFException e) {
                    break;
                }
                byte[] name = in.readNBytes(len);
                byte[] levels = in.readNBytes(3 * R * R);
                assertEquals(3 * R * R, levels.length);
                m.put(new String(name, StandardCharsets.UTF_8), levels);
            }
        }
        return m;
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = ReferenceFixturesTest.class.getResourceAsStream("/image/" + name)) {
            assertNotNull(in, name);
            return in.readAllBytes();
        }
    }

    /** Max |level difference| between our HWC levels and the reference CHW levels. */
    static int maxLevelDiff(byte[] hwc, byte[] chw) {
        int n = R * R;
        int max = 0;
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < n; i++) {
                max = Math.max(max, Math.abs((hwc[3 * i + c] & 0xFF) - (chw[c * n + i] & 0xFF)));
            }
        }
        return max;
    }

    @Test
    void everyPngMatchesTheReferenceExactly() throws IOException {
        Map<String, byte[]> expected = expectedLevels();
        ImagePreprocessor pre = new ImagePreprocessor(R, MEAN, STD);
        int checked = 0;
        StringBuilder failures = new StringBuilder();
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            if (!e.getKey().endsWith(".png")) continue;
            byte[] file = resource(e.getKey());
            DecodedImage img = ImageDecoder.decode(file, e.getKey(), ImageDecoder.DEFAULT_MAX_PIXELS);
            int d = maxLevelDiff(pre.rgbLevels(img), e.getValue());
            if (d != 0)
                failures.append(e.getKey())
                        .append(" (")
                        .append(img.mode())
                        .append(") max diff ")
                        .append(d)
                        .append('\n');

            float[] t = pre.preprocess(file, e.getKey());
            assertEquals(3 * R * R, t.length);
            byte[] ref = e.getValue();
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < R * R; i++) {
                    float refValue = ((ref[c * R * R + i] & 0xFF) / 255f - MEAN[c]) / STD[c];
                    if (Math.abs(t[c * R * R + i] - refValue) > 1e-5f) {
                        fail(e.getKey() + ": tensor differs at " + c + "/" + i);
                    }
                }
            }
            checked++;
        }
        assertEquals(14, checked);
        assertEquals("", failures.toString());
    }

    @Test
    void decodedModesMatchPillow() throws IOException {
        var json = new ObjectMapper().readTree(resource("images.json"));
        for (var it = json.fields(); it.hasNext(); ) {
            var e = it.next();
            DecodedImage img = ImageDecoder.decode(resource(e.getKey()), e.getKey(), ImageDecoder.DEFAULT_MAX_PIXELS);
            assertEquals(e.getValue().get("mode").asText(), img.mode(), e.getKey());
            assertEquals(e.getValue().get("size").get(0).asInt(), img.width(), e.getKey());
            assertEquals(e.getValue().get("size").get(1).asInt(), img.height(), e.getKey());
        }
    }

    @Test
    void jpegIsWithinTwoLevelsOfLibjpegTurbo() throws IOException {
        byte[] ref = expectedLevels().get("rocket.jpg");
        DecodedImage img = ImageDecoder.decode(resource("rocket.jpg"), "rocket.jpg", ImageDecoder.DEFAULT_MAX_PIXELS);
        assertEquals("RGB", img.mode());
        int d = maxLevelDiff(new ImagePreprocessor(R, MEAN, STD).rgbLevels(img), ref);
        System.out.println("rocket.jpg max level diff vs reference: " + d);
        assertTrue(d <= 2, "max diff " + d);
    }
}
