package kit;

/**
 * Checks on JSON text that minimal-json leaves to its caller. Its parser recurses once per
 * nesting level, so a body of a few thousand {@code [} would overflow the thread's stack;
 * and its string escapes may produce text no database or client can take.
 */
final class JsonText {
    /** Deeper than any document these services accept, far below what overflows the stack. */
    static final int MAX_DEPTH = 64;

    private JsonText() {}

    /** Whether arrays and objects in {@code text} nest deeper than {@link #MAX_DEPTH}. */
    static boolean tooDeep(String text) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') i++; // the escaped character cannot end the string
                else if (c == '"') inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                if (++depth > MAX_DEPTH) return true;
            } else if (c == ']' || c == '}') {
                depth--;
            }
        }
        return false;
    }

    /**
     * What is wrong with {@code text} as a stored string, or null: a NUL character (PostgreSQL
     * refuses it in text) or half of a surrogate pair (no valid UTF-8 encodes it). Both can
     * only arrive as escapes (backslash, u, four hex digits): the body was valid UTF-8.
     */
    static String flaw(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) return "must not contain the NUL character (\\u0000)";
            if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "must not contain an unpaired surrogate (\\u" + Integer.toHexString(c)
                        + ")";
            }
        }
        return null;
    }
}
