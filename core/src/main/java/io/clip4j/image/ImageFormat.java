package io.clip4j.image;

/** File formats recognised by their leading bytes (not by file name, as Pillow does). */
enum ImageFormat {
    PNG,
    JPEG,
    GIF,
    BMP,
    WEBP,
    TIFF;

    static ImageFormat sniff(byte[] b) {
        if (startsWith(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) return PNG;
        if (startsWith(b, 0xFF, 0xD8, 0xFF)) return JPEG;
        if (startsWith(b, 'G', 'I', 'F', '8')) return GIF;
        if (startsWith(b, 'B', 'M')) return BMP;
        if (startsWith(b, 'R', 'I', 'F', 'F')
                && b.length >= 12
                && b[8] == 'W'
                && b[9] == 'E'
                && b[10] == 'B'
                && b[11] == 'P') {
            return WEBP;
        }
        if (startsWith(b, 'I', 'I', 42, 0) || startsWith(b, 'M', 'M', 0, 42)) return TIFF;
        return null;
    }

    private static boolean startsWith(byte[] b, int... prefix) {
        if (b.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) {
            if ((b[i] & 0xFF) != prefix[i]) return false;
        }
        return true;
    }
}
