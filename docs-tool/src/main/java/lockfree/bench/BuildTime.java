package lockfree.bench;

import lockfree.docs.Blocks;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How long README's test command took, in a sentence rendered from the run that measured it
 * ({@code .ci/measure-build} writes the raw file):
 * <pre>
 * &lt;!-- build-time: docs/build-time.json --&gt;
 * &lt;!-- /build-time --&gt;
 * </pre>
 * The sentence carries what a reader needs to compare it with their own machine: the cores, the
 * JDK, the load average before and after (a loaded machine is slower, and says so), the date and
 * the commit.
 */
final class BuildTime {
    static final Pattern MARKER = Pattern.compile(
            "(<!-- build-time: (\\S+) -->\n)(.*?)(<!-- /build-time -->)", Pattern.DOTALL);

    private BuildTime() {
    }

    /** Every build-time block of a page, rendered from the raw file its marker names (relative to {@code dir}). */
    static String render(String page, Path dir) throws IOException {
        return Blocks.render(page, MARKER, m -> {
            Path file = dir.resolve(m.group(2));
            if (!Files.isRegularFile(file)) {
                throw new IOException("build-time: no raw file " + file + " (.ci/measure-build writes it)");
            }
            return sentence(new ObjectMapper().readTree(file.toFile()), m.group(2)) + "\n";
        });
    }

    static String sentence(JsonNode run, String link) {
        long seconds = Math.round(run.path("seconds").asDouble());
        String took = seconds >= 60
                ? String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60)
                : seconds + " s";
        return String.format(Locale.ROOT,
                "Measured ([%s](%s), by `.ci/measure-build`): `%s` from a fresh clone took %s on %d cores, %s,"
                        + " load average %.2f before and %.2f after, on %s (commit %s; Maven's downloads already cached).",
                Path.of(link).getFileName(), link, run.path("command").asText(), took, run.path("cores").asInt(),
                run.path("jdk").asText(), run.path("loadBefore").asDouble(), run.path("loadAfter").asDouble(),
                run.path("date").asText().replace('T', ' '), run.path("commit").asText());
    }
}
