package lockfree.stress;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Buckets the samples of an async-profiler collapsed-stack file ({@code frame;frame;... count},
 * outermost frame first) by where the gateway's CPU went. A sample belongs to the category of its
 * <em>innermost</em> frame that matches one: a Jackson call made from a Netty handler is JSON, a
 * {@code writev} made from Netty's flush is the kernel send path, and a frame no category claims
 * (a kernel helper, a JIT stub, {@code java.lang}) passes the question to its caller.
 *
 * <p>Kernel frames ({@code _[k]}) appear only when the profiler may see them (perf_events with
 * {@code perf_event_paranoid} low enough, or root); without them the syscall's user-space entry
 * (libc {@code writev}, Netty's {@code FileDescriptor.writev}, {@code sun.nio.ch} dispatchers) is
 * the innermost frame and lands in the same category, so both modes bucket a send alike.
 */
final class ProfileClassifier {

    /** The categories, in the order a table lists them; {@link #OTHER} takes what none claims. */
    enum Category {
        SYSCALL("kernel send and receive path (syscalls)",
                // libc entries, kernel entries and the JDK's and Netty's native I/O methods.
                "^(__)?(libc_)?(writev|write|sendmsg|sendto|send|readv|read|recvfrom|recvmsg)(64)?$",
                "^(__x64_|__arm64_)?(sys|ksys)_(writev|write|sendmsg|sendto|readv|read|recvfrom|recvmsg)_\\[k\\]$",
                "^(tcp|sock|inet)_(sendmsg|recvmsg|write_xmit|push).*_\\[k\\]$",
                "^io/netty/channel/(unix|epoll)/(FileDescriptor|Socket|LinuxSocket)\\.(write|read|send|recv)",
                "^io/netty/channel/epoll/Native\\.(?!epoll)",
                "^sun/nio/ch/(SocketDispatcher|FileDispatcherImpl|IOUtil|NativeDispatcher)\\.(write|read)"),
        POLL("event-loop poll and idle (epoll_wait)",
                "^(__)?epoll_(p)?wait", "^(__x64_sys_|do_)epoll_(p)?wait.*_\\[k\\]$",
                "^io/netty/channel/epoll/Native\\.epoll", "^sun/nio/ch/EPoll\\.wait"),
        // The JVM's own work, in three parts, because they answer different questions: GC grows
        // with what the delivery path allocates and with every new object it stores into an old
        // one (G1's refinement threads scan the cards those stores dirty, e.g. a long-lived queue
        // array taking a new frame); the JIT shrinks as the warm-up grows; the rest is fixed.
        // Thread names (the profiler's "threads" option roots every stack in one) and HotSpot's
        // C++ frames; the profiler cuts long names ("C1 CompilerThre"), so only starts are matched.
        GC("JVM: garbage collection (pauses, G1 refinement)",
                "^\\[(GC Thread|G1 )",
                // G1BarrierSetC1/C2 are the compilers emitting G1's barriers: JIT work, not GC.
                "^(G1(?!BarrierSetC)|GC|CollectedHeap|MemAllocator)[A-Za-z0-9]*::"),
        JIT("JVM: JIT compilers", "^\\[(C1 Compiler|C2 Compiler|Sweeper)", "^CompileBroker::"),
        VM("JVM: other VM threads",
                "^\\[(VM Thread|VM Periodic|Service Thread|Monitor Deflation|Common-Cleaner|Finalizer|"
                        + "Reference Handl|Signal Dispatch)",
                "^(SafepointSynchronize|VMThread)[A-Za-z]*::"),
        QUEUE("send queue and drain",
                "^lockfree/stage\\d/[A-Za-z]*SendQueue", "^org/jctools/queues/", "^io/netty/channel/ChannelOutboundBuffer"),
        SESSIONS("session-table lookup",
                "^lockfree/stage\\d/[A-Za-z]*SessionManager", "^org/jctools/maps/"),
        JSON("JSON (Jackson, protocol)", "^com/fasterxml/jackson/", "^lockfree/common/protocol/"),
        METRICS("metrics (Prometheus, HdrHistogram)", "^io/prometheus/", "^lockfree/common/metrics/", "^org/HdrHistogram/"),
        ROUTING("routing", "^lockfree/common/routing/"),
        NETTY("Netty pipeline and WebSocket encoder", "^io/netty/"),
        OTHER("other");

        private final String label;
        private final List<Pattern> frames = new ArrayList<>();

        Category(String label, String... frames) {
            this.label = label;
            for (String f : frames) {
                this.frames.add(Pattern.compile(f));
            }
        }

        String label() {
            return label;
        }

        /** The JSON key: the name in lower case. */
        String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        boolean claims(String frame) {
            for (Pattern p : frames) {
                if (p.matcher(frame).find()) {
                    return true;
                }
            }
            return false;
        }
    }

    /*
     * The JDK's maps serve everyone (Jackson's caches, Netty's attribute maps, the router), so a
     * HashMap or ConcurrentHashMap frame is a session-table lookup only when no other category's
     * frame encloses it; a stage's own SessionManager frame claims its map calls outright.
     */
    private static final Pattern SHARED_MAPS = Pattern.compile("^java/util/(concurrent/ConcurrentHashMap|HashMap)");

    private ProfileClassifier() {
    }

    /** The category of one stack, frames outermost first. */
    static Category classify(String[] frames) {
        boolean sharedMap = false;
        for (int i = frames.length - 1; i >= 0; i--) {
            sharedMap |= SHARED_MAPS.matcher(frames[i]).find();
            // Within one frame the enum's order decides: Native.epollWait is poll before it is Netty.
            for (Category c : Category.values()) {
                if (c != Category.OTHER && c.claims(frames[i])) {
                    return c;
                }
            }
        }
        return sharedMap ? Category.SESSIONS : Category.OTHER;
    }

    /** Samples per category of a whole collapsed file (every category present, zeros too). */
    static Map<Category, Long> samples(Iterable<String> collapsedLines) {
        Map<Category, Long> out = new EnumMap<>(Category.class);
        for (Category c : Category.values()) {
            out.put(c, 0L);
        }
        for (String line : collapsedLines) {
            int space = line.lastIndexOf(' ');
            if (line.isBlank() || space <= 0) {
                continue;
            }
            long count = Long.parseLong(line.substring(space + 1).trim());
            out.merge(classify(line.substring(0, space).split(";")), count, Long::sum);
        }
        return out;
    }

    /** Whether the profile saw the kernel: any {@code _[k]} frame. */
    static boolean hasKernelFrames(Iterable<String> collapsedLines) {
        for (String line : collapsedLines) {
            if (line.contains("_[k];") || line.contains("_[k] ")) {
                return true;
            }
        }
        return false;
    }
}
