package io.clip4j.tokenizer;

/** Placeholder: mojibake fixing comes next. */
final class MojibakeFixer {
    private MojibakeFixer() {
    }

    static String fixEncoding(String text) {
        return text;
    }
}
