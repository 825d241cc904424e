package io.clip4j.model;

/** Receives named intermediate activations (batch-first, row-major), for parity checks and debugging. */
@FunctionalInterface
public interface Trace {
    void record(String name, float[] values, int length);
}
