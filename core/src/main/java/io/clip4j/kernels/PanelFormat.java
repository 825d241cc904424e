package io.clip4j.kernels;

/** How a {@link Matrix} is kept for the vector GEMM: a number format for its panels. A new format is a new class. */
@FunctionalInterface
interface PanelFormat {
    PanelFormat F32 = F32Panels::pack;
    PanelFormat F16 = F16Panels::pack;

    /** W's panels of width nr in this format. */
    Panels pack(Matrix w, int nr);
}
