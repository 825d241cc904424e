package io.clip4j.search;

import io.clip4j.Clip4jException;
import io.clip4j.image.ImageFiles;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The query syntax: terms joined by {@code +} and {@code -}, each optionally weighted {@code w:term}, e.g.
 * {@code "2:golden retriever" + ./pool.jpg - fruit}.
 *
 * <ul>
 *   <li>A {@code +}/{@code -} is an operator at the start of the query or after whitespace (so {@code t-shirt}
 *       is one word, and {@code -fruit} means minus fruit); inside double quotes it is text.</li>
 *   <li>A term is everything between operators, words joined by single spaces; quotes group without
 *       changing the text ({@code "2:golden retriever"} = {@code 2:"golden retriever"}).</li>
 *   <li>{@code w:} with a non-negative decimal w weights the term (default 1).</li>
 *   <li>A term naming an existing file (relative to {@code base}) is an image; one that looks like an image path
 *       (no spaces and a slash prefix or an image extension) but does not exist is an error.</li>
 * </ul>
 *
 * <p>Whether a term is a file is decided here once, on the term as it stands after quote removal and weight
 * stripping. Queries from untrusted callers (HTTP) are parsed with {@link #parseUntrusted}: there every term that
 * looks like a path is refused with one fixed message, and the file system is never consulted — so the answer
 * says nothing about which files exist on the server.
 */
public final class QueryParser {
    private static final Pattern WEIGHT_FULL =
            Pattern.compile("^((?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?):(.*)$", Pattern.DOTALL);

    private QueryParser() {}

    /** The one error text for every file term refused over HTTP (it must not depend on the file system). */
    public static final String UNTRUSTED_FILE_TERM =
            "q: terms naming files are not accepted over HTTP; upload the image instead";

    /** Parses CLI arguments: they are joined with spaces, so {@code + - "a b"} may come as separate words. */
    public static List<QueryTerm> parse(List<String> args, Path base) {
        return parse(String.join(" ", args), base);
    }

    /** A query from the command line: terms naming existing files (relative to {@code base}) are images. */
    public static List<QueryTerm> parse(String query, Path base) {
        return parse(query, body -> fileTerm(body, base));
    }

    /**
     * A query from an untrusted caller: text terms only. A term that looks like a path is refused with
     * {@link #UNTRUSTED_FILE_TERM}; nothing is looked up on disk.
     */
    public static List<QueryTerm> parseUntrusted(String query) {
        return parse(query, body -> {
            if (looksLikePath(body)
                    || body.startsWith("~")
                    || body.startsWith("\\")
                    || body.regionMatches(true, 0, "file:", 0, 5)) {
                throw new Clip4jException(UNTRUSTED_FILE_TERM);
            }
            return null;
        });
    }

    /** Decides whether a term's body is an image file: its path, null for text, or an exception. */
    private interface FileTerms {
        Path imageOf(String body);
    }

    private static List<QueryTerm> parse(String query, FileTerms files) {
        List<Token> tokens = tokenize(query);
        List<QueryTerm> terms = new ArrayList<>();
        int sign = 1;
        boolean sawOperator = false;
        StringBuilder term = new StringBuilder();
        boolean termStarted = false;
        for (int i = 0; i <= tokens.size(); i++) {
            Token t = i < tokens.size() ? tokens.get(i) : null;
            if (t == null || t.operator()) {
                if (termStarted) {
                    terms.add(term(term.toString(), sign, files));
                    term.setLength(0);
                    termStarted = false;
                    sawOperator = false;
                } else if (sawOperator && t != null) {
                    throw new Clip4jException("query: two operators in a row ('" + t.text() + "')");
                } else if (sawOperator) {
                    throw new Clip4jException("query: missing term after the last operator");
                }
                if (t != null) {
                    sign = t.text().equals("-") ? -1 : 1;
                    sawOperator = true;
                }
            } else {
                if (termStarted) term.append(' ');
                term.append(t.text());
                termStarted = true;
            }
        }
        if (terms.isEmpty()) throw new Clip4jException("query: empty query");
        return terms;
    }

    private record Token(String text, boolean operator) {}

    private static List<Token> tokenize(String q) {
        List<Token> out = new ArrayList<>();
        int i = 0, n = q.length();
        while (i < n) {
            char c = q.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '+' || c == '-') {
                // operator at the start of a word; "-5" etc. would need quotes
                out.add(new Token(String.valueOf(c), true));
                i++;
                continue;
            }
            StringBuilder word = new StringBuilder();
            while (i < n && !Character.isWhitespace(q.charAt(i))) {
                char d = q.charAt(i);
                if (d == '"') {
                    int end = q.indexOf('"', i + 1);
                    if (end < 0) throw new Clip4jException("query: unclosed quote");
                    word.append(q, i + 1, end);
                    i = end + 1;
                } else {
                    word.append(d);
                    i++;
                }
            }
            out.add(new Token(word.toString(), false));
        }
        return out;
    }

    private static QueryTerm term(String raw, int sign, FileTerms files) {
        double weight = 1;
        String body = raw;
        Matcher m = WEIGHT_FULL.matcher(raw);
        if (m.matches()) {
            weight = Double.parseDouble(m.group(1));
            body = m.group(2).strip();
            if (body.isEmpty()) throw new Clip4jException("query: '" + raw + "' has a weight but no term");
            if (!Double.isFinite(weight))
                throw new Clip4jException("query: '" + raw + "': weight is not a finite number");
        }
        if (body.isBlank()) throw new Clip4jException("query: empty term");
        Path file = files.imageOf(body);
        return file != null ? new QueryTerm(sign, weight, null, file) : new QueryTerm(sign, weight, body, null);
    }

    private static Path fileTerm(String body, Path base) {
        Path file = existingFile(body, base);
        if (file == null && looksLikePath(body)) throw new Clip4jException(body + ": no such image file");
        return file;
    }

    private static Path existingFile(String s, Path base) {
        try {
            String expanded = s.startsWith("~/") ? System.getProperty("user.home") + s.substring(1) : s;
            Path p = Path.of(expanded);
            if (!p.isAbsolute() && base != null) p = base.resolve(p);
            return Files.isRegularFile(p) ? p.toAbsolutePath().normalize() : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    static boolean looksLikePath(String s) {
        if (s.startsWith("./") || s.startsWith("../") || s.startsWith("/") || s.startsWith("~/") || s.startsWith(".\\"))
            return true;
        return s.chars().noneMatch(Character::isWhitespace) && ImageFiles.hasImageExtension(s);
    }
}
