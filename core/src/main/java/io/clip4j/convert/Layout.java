package io.clip4j.convert;

import io.clip4j.Clip4jException;
import io.clip4j.checkpoint.Printable;
import java.util.Locale;

/**
 * How a converted model is laid out on disk: an open_clip folder ({@code open_clip_model.safetensors} under OpenAI's
 * names + {@code open_clip_config.json}), a Hugging Face transformers folder ({@code model.safetensors} under
 * CLIPModel's names, config.json, preprocessor_config.json, vocab.json, merges.txt, tokenizer_config.json), or one
 * bare OpenAI state-dict {@code .safetensors} file (its open_clip config recorded in {@code __metadata__}).
 */
public enum Layout {
    OPEN_CLIP,
    HF,
    OPENAI;

    public static Layout parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "open_clip", "openclip" -> OPEN_CLIP;
            case "hf", "huggingface", "transformers" -> HF;
            case "openai" -> OPENAI;
            default ->
                throw new Clip4jException(
                        "--layout: unknown layout '" + Printable.of(s) + "' (open_clip, hf or openai)");
        };
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
