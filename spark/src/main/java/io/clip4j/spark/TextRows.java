package io.clip4j.spark;

import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * {@link ClipSpark#embedTexts}' partition function: each row with two more columns, the embedding of its text
 * column and the error when there is none (no text, or one the model cannot embed).
 */
final class TextRows implements MapPartitionsFunction<Row, Row> {
    /** texts encoded per call: clip4j sorts them by length within a call so that a batch runs to its longest */
    static final int CHUNK = 256;

    private final EmbedSettings settings;
    private final int column;

    TextRows(EmbedSettings settings, int column) {
        this.settings = settings;
        this.column = column;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Clip clip = ExecutorModels.get(settings);
        return Chunks.map(rows, CHUNK, chunk -> embed(clip, chunk));
    }

    private List<Row> embed(Clip clip, List<Row> chunk) {
        List<String> texts = new ArrayList<>();
        for (Row r : chunk) if (!r.isNullAt(column)) texts.add(r.getString(column));
        float[][] emb = embedAll(clip, texts);
        String[] errors = new String[texts.size()];
        if (emb == null) {
            // one text of the chunk failed: embed them one by one to find which (embeddings do not depend on the batch)
            emb = new float[texts.size()][];
            for (int i = 0; i < texts.size(); i++) {
                try {
                    emb[i] = clip.embedText(texts.get(i));
                } catch (Clip4jException e) {
                    errors[i] = e.getMessage();
                }
            }
        }
        List<Row> out = new ArrayList<>(chunk.size());
        int t = 0;
        for (Row r : chunk) {
            Object[] values = new Object[r.length() + 2];
            for (int i = 0; i < r.length(); i++) values[i] = r.get(i);
            if (r.isNullAt(column)) values[r.length() + 1] = "no text";
            else {
                values[r.length()] = emb[t];
                values[r.length() + 1] = errors[t];
                t++;
            }
            out.add(RowFactory.create(values));
        }
        return out;
    }

    private static float[][] embedAll(Clip clip, List<String> texts) {
        try {
            return clip.embedTexts(texts);
        } catch (Clip4jException e) {
            return null;
        }
    }
}
