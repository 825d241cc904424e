package io.clip4j.data;

/**
 * One training batch: {@code size} images as CHW floats back to back ({@code size * 3 * R * R}), their tokenized
 * captions ({@code size} rows of the context length) and the source indices they came from. Unreadable images
 * are left out, so {@code size} can be smaller than the batch size (even 0 if all of a step's images failed).
 * {@code epoch} is the pass over the data the batch belongs to.
 */
public record Batch(float[] pixels, int[][] tokens, int size, int[] indices, int epoch) {}
