package io.clip4j.data;

import io.clip4j.Clip4jException;
import java.util.Arrays;
import java.util.Locale;

/**
 * One synthetic picture: a filled shape of one colour on a plain background, optionally with a word written
 * opposite the shape. Geometry is in fractions of the image side, so a scene renders at any size.
 *
 * @param centerX    shape centre, 0..1 from the left
 * @param centerY    shape centre, 0..1 from the top
 * @param radius     circumradius as a fraction of the side
 * @param rotation   turn of the shape in radians (shapes stay recognisable: small turns only)
 * @param word       the rendered word, or null
 * @param caption    the caption that describes the attributes
 */
public record SyntheticScene(
        Shape shape,
        Colour colour,
        Size size,
        Position position,
        Background background,
        double centerX,
        double centerY,
        double radius,
        double rotation,
        String word,
        String caption) {

    public enum Shape {
        CIRCLE,
        SQUARE,
        TRIANGLE,
        STAR,
        DIAMOND,
        HEXAGON,
        CROSS,
        PENTAGON;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Saturated colours far apart in RGB and from every background. */
    public enum Colour {
        RED(220, 30, 30),
        GREEN(30, 170, 50),
        BLUE(30, 70, 220),
        YELLOW(240, 210, 20),
        ORANGE(245, 130, 20),
        PURPLE(140, 40, 180),
        PINK(245, 120, 190),
        BROWN(130, 80, 30);

        public final int r;
        public final int g;
        public final int b;

        Colour(int r, int g, int b) {
            this.r = r;
            this.g = g;
            this.b = b;
        }

        public int rgb() {
            return (r << 16) | (g << 8) | b;
        }

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The radius of each size depends on the {@link SceneStyle}. */
    public enum Size {
        SMALL,
        LARGE;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Position {
        LEFT(0.3, 0.5, "on the left"),
        RIGHT(0.7, 0.5, "on the right"),
        TOP(0.5, 0.3, "at the top"),
        BOTTOM(0.5, 0.7, "at the bottom"),
        CENTER(0.5, 0.5, "in the center");

        public final double x;
        public final double y;
        public final String phrase;

        Position(double x, double y, String phrase) {
            this.x = x;
            this.y = y;
            this.phrase = phrase;
        }

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Background {
        WHITE(255, 255, 255),
        GRAY(150, 150, 150),
        BLACK(0, 0, 0),
        BEIGE(235, 225, 200);

        public final int r;
        public final int g;
        public final int b;

        Background(int r, int g, int b) {
            this.r = r;
            this.g = g;
            this.b = b;
        }

        public int rgb() {
            return (r << 16) | (g << 8) | b;
        }

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Black or white, whichever reads better on this background. */
        public int textRgb() {
            return (r + g + b) / 3 > 128 ? 0x000000 : 0xFFFFFF;
        }
    }

    /** The class name used by zero-shot folders and --holdout: "red circle". */
    public String className() {
        return combo().name();
    }

    public Combo combo() {
        return new Combo(colour, shape);
    }

    /** A colour-shape pair: the unit of --holdout and of the zero-shot class folders. */
    public record Combo(Colour colour, Shape shape) {
        public String name() {
            return colour.word() + " " + shape.word();
        }

        /** Parses "red circle" (case and spacing forgiving). */
        public static Combo parse(String name) {
            String[] parts = name.strip().toLowerCase(Locale.ROOT).split("\\s+");
            if (parts.length != 2) {
                throw new Clip4jException("'" + name + "' is not a '<colour> <shape>' pair (e.g. 'red circle')");
            }
            Colour c = null;
            Shape s = null;
            for (Colour x : Colour.values()) if (x.word().equals(parts[0])) c = x;
            for (Shape x : Shape.values()) if (x.word().equals(parts[1])) s = x;
            if (c == null)
                throw new Clip4jException("'" + name + "': unknown colour '" + parts[0] + "' (known: "
                        + String.join(
                                ", ",
                                Arrays.stream(Colour.values()).map(Colour::word).toList()) + ")");
            if (s == null)
                throw new Clip4jException("'" + name + "': unknown shape '" + parts[1] + "' (known: "
                        + String.join(
                                ", ",
                                Arrays.stream(Shape.values()).map(Shape::word).toList()) + ")");
            return new Combo(c, s);
        }
    }
}
