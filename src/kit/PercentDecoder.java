package kit;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict percent-decoding: a bad escape or invalid UTF-8 is an error, never a guess. */
public final class PercentDecoder {
    private PercentDecoder() {}

    /** Decodes {@code %XX} escapes (not {@code +}) of UTF-8 text. */
    public static String decode(String text) throws CharacterCodingException {
        if (text.indexOf('%') < 0) return text;
        ByteBuffer bytes = ByteBuffer.allocate(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()) throw new IllegalArgumentException("truncated escape");
                int hi = Character.digit(text.charAt(i + 1), 16);
                int lo = Character.digit(text.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) throw new IllegalArgumentException("bad escape");
                bytes.put((byte) (hi << 4 | lo));
                i += 2;
            } else {
                bytes.put((byte) c);
            }
        }
        bytes.flip();
        return utf8(bytes);
    }

    /** Decodes UTF-8, rejecting malformed input. */
    public static String utf8(ByteBuffer bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(bytes)
                .toString();
    }
}
