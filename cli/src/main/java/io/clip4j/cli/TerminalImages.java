package io.clip4j.cli;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Inline pictures in a terminal, for {@code search}'s previews: the kitty graphics protocol (kitty, and terminals
 * that speak it) or iTerm2's inline images (iTerm2, WezTerm, mintty). Both carry a PNG in base64 inside an escape
 * sequence; a terminal that speaks neither would print garbage, so previews are off unless the terminal is known.
 */
final class TerminalImages {
    enum Protocol {
        kitty,
        iterm2,
        off
    }

    /** kitty splits the payload into chunks of at most 4096 base64 characters. */
    static final int KITTY_CHUNK = 4096;

    private TerminalImages() {}

    /** The protocol this terminal speaks, from the variables terminals set; off when stdout is not a terminal. */
    static Protocol detect(Map<String, String> env, boolean stdoutIsTerminal) {
        if (!stdoutIsTerminal) return Protocol.off;
        String term = env.getOrDefault("TERM", ""), program = env.getOrDefault("TERM_PROGRAM", "");
        if (term.equals("xterm-kitty") || env.containsKey("KITTY_WINDOW_ID") || program.equals("ghostty"))
            return Protocol.kitty;
        if (program.equals("iTerm.app") || program.equals("WezTerm") || program.equals("mintty"))
            return Protocol.iterm2;
        return Protocol.off;
    }

    /** The escape sequence that shows {@code image} at the cursor (followed by a line break). */
    static String sequence(BufferedImage image, Protocol protocol) {
        byte[] png = png(image);
        String b64 = Base64.getEncoder().encodeToString(png);
        StringBuilder sb = new StringBuilder(b64.length() + 64);
        switch (protocol) {
            case kitty -> {
                // a=T: transmit and display; f=100: PNG; m=1 on every chunk but the last
                for (int start = 0; start < b64.length(); start += KITTY_CHUNK) {
                    int end = Math.min(b64.length(), start + KITTY_CHUNK);
                    String more = end < b64.length() ? "1" : "0";
                    sb.append("\033_G")
                            .append(start == 0 ? "a=T,f=100,m=" : "m=")
                            .append(more)
                            .append(';')
                            .append(b64, start, end)
                            .append("\033\\");
                }
            }
            case iterm2 ->
                sb.append(String.format(
                                Locale.ROOT, "\033]1337;File=inline=1;size=%d;preserveAspectRatio=1:", png.length))
                        .append(b64)
                        .append('\007');
            case off -> {
                return "";
            }
        }
        return sb.append('\n').toString();
    }

    private static byte[] png(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
