package io.clip4j.model;

/** An image tower: normalised CHW pixels in, joint-space embeddings (not yet unit length) out. */
public interface ImageEncoder {
    /**
     * @param pixels batch x 3 x R x R floats, already preprocessed
     * @param trace  receives intermediates, or null
     * @return batch x embedDim
     */
    float[] encode(float[] pixels, int batch, Trace trace);
}
