package io.cairn.compute.ra.batch;

/**
 * Quotes data for a POSIX shell script. This is the only way task data (arguments, environment, paths) enters a job
 * script: as one single-quoted word, inside which the shell interprets nothing ({@code $}, backquotes, backslashes,
 * newlines and every non-ASCII character stay literal).
 */
public final class ShellQuoting {

    private ShellQuoting() {
    }

    /**
     * The text as one shell word: {@code 'text'}, each single quote inside written as {@code '\''} (close the quote,
     * an escaped quote, reopen).
     *
     * @throws IllegalArgumentException if the text holds a NUL character, which no shell word can carry
     */
    public static String quote(String text) {
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a shell word cannot contain a NUL character");
        }
        StringBuilder out = new StringBuilder(text.length() + 2).append('\'');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'') {
                out.append("'\\''");
            } else {
                out.append(c);
            }
        }
        return out.append('\'').toString();
    }
}
