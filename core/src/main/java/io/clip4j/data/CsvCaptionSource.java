package io.clip4j.data;

import io.clip4j.Clip4jException;
import io.clip4j.image.ImageDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * open_clip's {@code CsvDataset}: a delimited file with a header row naming an image-path column ({@code filepath}
 * by default, {@code --csv-img-key}) and a caption column ({@code title}, {@code --csv-caption-key}). The separator
 * is a tab for {@code .tsv} files and a comma otherwise unless given ({@code --csv-separator}). Relative image
 * paths resolve against the file's folder.
 *
 * <p>Rows with the wrong number of fields or an empty path are reported with their line number and skipped; so are
 * rows whose image file does not exist (checked once, at load). An image that exists but cannot be decoded makes
 * {@link #pixels} throw a {@link Clip4jException} naming the file. Immutable and thread-safe after loading.
 */
public final class CsvCaptionSource implements CaptionSource {
    /** Column names and separator; {@code separator == null} picks it from the file name. */
    public record Options(String imageKey, String captionKey, Character separator) {
        public static Options defaults() {
            return new Options("filepath", "title", null);
        }

        public Options withKeys(String imageKey, String captionKey) {
            return new Options(imageKey, captionKey, separator);
        }

        public Options withSeparator(Character sep) {
            return new Options(imageKey, captionKey, sep);
        }
    }

    private final Path file;
    private final List<Path> images;
    private final List<String> captions;
    private final List<String> problems;
    private final int malformedRows;
    private final int missingImages;
    private final long maxPixels;

    private CsvCaptionSource(
            Path file,
            List<Path> images,
            List<String> captions,
            List<String> problems,
            int malformedRows,
            int missingImages,
            long maxPixels) {
        this.file = file;
        this.images = List.copyOf(images);
        this.captions = List.copyOf(captions);
        this.problems = Collections.unmodifiableList(new ArrayList<>(problems));
        this.malformedRows = malformedRows;
        this.missingImages = missingImages;
        this.maxPixels = maxPixels;
    }

    public static CsvCaptionSource load(Path file) {
        return load(file, Options.defaults(), p -> {});
    }

    /**
     * Reads the file; every skipped row is passed to {@code report} as one line ({@code file:line: reason}) and is
     * also kept in {@link #problems()}.
     */
    public static CsvCaptionSource load(Path file, Options options, Consumer<String> report) {
        String text = readUtf8(file);
        char sep = options.separator() != null ? options.separator() : defaultSeparator(file);
        List<DelimitedReader.Record> records;
        try {
            records = DelimitedReader.readAll(text, sep);
        } catch (DelimitedReader.UnterminatedQuoteException e) {
            throw new Clip4jException(file + ":" + e.line() + ": unterminated quoted field");
        }
        int first = 0;
        while (first < records.size() && records.get(first).blank()) first++;
        if (first == records.size()) throw new Clip4jException(file + ": empty file (no header row)");
        List<String> header = records.get(first).fields();
        int imgCol = column(file, header, options.imageKey(), "--csv-img-key", sep);
        int capCol = column(file, header, options.captionKey(), "--csv-caption-key", sep);
        Path folder = file.toAbsolutePath().getParent();

        List<Path> images = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int malformed = 0;
        int missing = 0;
        for (int r = first + 1; r < records.size(); r++) {
            DelimitedReader.Record rec = records.get(r);
            if (rec.blank()) continue;
            String where = file + ":" + rec.line() + ": ";
            if (rec.fields().size() != header.size()) {
                malformed++;
                note(
                        report,
                        problems,
                        where + "expected " + header.size() + " fields, found "
                                + rec.fields().size() + " (row skipped)");
                continue;
            }
            String p = rec.fields().get(imgCol).strip();
            if (p.isEmpty()) {
                malformed++;
                note(report, problems, where + "empty image path (row skipped)");
                continue;
            }
            Path image;
            try {
                image = folder.resolve(p);
            } catch (InvalidPathException e) {
                malformed++;
                note(report, problems, where + "invalid image path '" + p + "' (row skipped)");
                continue;
            }
            if (!Files.isRegularFile(image)) {
                missing++;
                String why = Files.exists(image) ? "not a regular file" : "no such image file";
                note(report, problems, where + image + ": " + why + " (row skipped)");
                continue;
            }
            images.add(image);
            captions.add(rec.fields().get(capCol));
        }
        return new CsvCaptionSource(
                file, images, captions, problems, malformed, missing, ImageDecoder.DEFAULT_MAX_PIXELS);
    }

    private static void note(Consumer<String> report, List<String> problems, String msg) {
        problems.add(msg);
        report.accept(msg);
    }

    static char defaultSeparator(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".tsv") ? '\t' : ',';
    }

    private static int column(Path file, List<String> header, String key, String flag, char sep) {
        for (int i = 0; i < header.size(); i++) if (header.get(i).strip().equals(key)) return i;
        String sepName = sep == '\t' ? "tab" : "'" + sep + "'";
        throw new Clip4jException(file + ": no column '" + key + "' in the header " + header + " (separator " + sepName
                + "; set " + flag + ")");
    }

    private static String readUtf8(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new Clip4jException(file + ": no such file");
        } catch (IOException e) {
            throw new Clip4jException(
                    file + ": cannot read file (" + e.getClass().getSimpleName() + ")");
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Clip4jException(file + ": not UTF-8 text");
        }
    }

    /** The same pairs, decoding images with a different pixel limit. */
    public CsvCaptionSource withMaxPixels(long limit) {
        if (limit < 1) throw new IllegalArgumentException("maxPixels must be positive");
        return new CsvCaptionSource(file, images, captions, problems, malformedRows, missingImages, limit);
    }

    public Path file() {
        return file;
    }

    /** The image file of pair i (absolute when the table's path was relative). */
    public Path imagePath(int i) {
        return images.get(i);
    }

    /** Rows skipped for a wrong field count or an empty path. */
    public int malformedRows() {
        return malformedRows;
    }

    /** Rows skipped because their image file does not exist. */
    public int missingImages() {
        return missingImages;
    }

    /** One line per skipped row, in file order. */
    public List<String> problems() {
        return problems;
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public String caption(int i) {
        return captions.get(i);
    }

    @Override
    public String imageName(int i) {
        return images.get(i).toString();
    }

    @Override
    public float[] pixels(int i, int resolution, float[] mean, float[] std, Random rng) {
        return ImageTransforms.pixels(ImageDecoder.decode(images.get(i), maxPixels), resolution, mean, std, rng);
    }
}
