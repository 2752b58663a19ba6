package lockfree.docs;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one render loop of every marked block of the docs, JMH's and the stress tool's: a block is
 * its opening marker (group 1, which names the raw files), the rendered text, and its closing marker
 * (the pattern's last group). Each renderer gives only what goes between the two markers; the
 * markers themselves are kept as the page has them.
 */
public final class Blocks {
    /** What a block holds, rendered from the raw files its opening marker names. */
    @FunctionalInterface
    public interface Body {
        String render(Matcher marker) throws IOException;
    }

    private Blocks() {
    }

    /** The page with the text between each pair of {@code marker}'s markers replaced by {@code body}'s. */
    public static String render(String page, Pattern marker, Body body) throws IOException {
        Matcher m = marker.matcher(page);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + body.render(m) + m.group(m.groupCount())));
        }
        m.appendTail(out);
        return out.toString();
    }
}
