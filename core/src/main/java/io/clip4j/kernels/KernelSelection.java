package io.clip4j.kernels;

/** Chooses the kernels once per JVM: the Vector API when {@code jdk.incubator.vector} is resolvable. */
final class KernelSelection {
    static final Kernels BEST = choose();
    /** Whether the Vector API kernels are in use (also decides for training's kernels). */
    static final boolean VECTOR = BEST instanceof VectorKernels;

    private KernelSelection() {}

    private static Kernels choose() {
        if (Boolean.getBoolean("clip4j.scalar")) return new ScalarKernels();
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return new ScalarKernels();
        try {
            return new VectorKernels();
        } catch (LinkageError e) {
            return new ScalarKernels();
        }
    }
}
