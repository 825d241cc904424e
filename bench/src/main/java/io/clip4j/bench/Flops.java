package io.clip4j.bench;

/** Floating-point operations (2 per multiply-add) of one item through ViT-B/32's towers, as bench_common.py counts. */
final class Flops {
    private Flops() {}

    static double image() {
        int w = 768, layers = 12, tokens = 50, patch = 32, embed = 512;
        double perLayer = 24.0 * tokens * w * w + 4.0 * tokens * tokens * w;
        return layers * perLayer + 2.0 * (tokens - 1) * w * 3 * patch * patch + 2.0 * w * embed;
    }

    static double text(int tokens) {
        int w = 512, layers = 12, embed = 512;
        return layers * (24.0 * tokens * w * w + 4.0 * tokens * tokens * w) + 2.0 * w * embed;
    }
}
