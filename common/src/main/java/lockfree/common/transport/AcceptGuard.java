package lockfree.common.transport;

import lockfree.common.metrics.GatewayMetrics;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sits on the listening socket and sees every accepted connection before it is registered.
 *
 * <p>Two limits. Above {@code --max-connections} a connection is still accepted, but marked so its
 * first request is answered {@code 503 too_many_connections} and closed: the client gets a clear
 * answer. The second limit is the process's file-descriptor cap (20,000 here, and it cannot be
 * raised): when accept() fails with EMFILE the kernel keeps reporting the listening socket as
 * readable, and an accept loop that retries burns a whole core while serving nobody. So below the
 * cap (minus {@code --fd-reserve} for files, epoll and the 503 answers themselves) we stop reading
 * the listening socket; new connections wait in the kernel's backlog until some close.
 */
final class AcceptGuard extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AcceptGuard.class);
    static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf("lockfree.refused");

    private final AtomicInteger open = new AtomicInteger();
    private final int maxConnections;
    private final int acceptCap;
    private final int resumeBelow;
    private final GatewayMetrics metrics;
    /* Written only on the listening channel's event loop; volatile because connection closes on
       other loops read it to decide whether to post a resume task there. */
    private volatile boolean paused;

    AcceptGuard(int maxConnections, int fdReserve, GatewayMetrics metrics) {
        this.maxConnections = maxConnections;
        this.metrics = metrics;
        long fdLimit = maxFileDescriptors();
        long cap = fdLimit <= 0 ? Integer.MAX_VALUE : fdLimit - openFileDescriptors() - fdReserve;
        this.acceptCap = (int) Math.max(1, Math.min(Integer.MAX_VALUE, cap));
        this.resumeBelow = Math.max(1, acceptCap - Math.max(1, Math.min(64, acceptCap / 8)));
        if (fdLimit > 0 && maxConnections > acceptCap) {
            log.warn("--max-connections {} is above what this process can hold (open-files limit {}): "
                    + "accepting pauses at {} connections", maxConnections, fdLimit, acceptCap);
        }
    }

    int open() {
        return open.get();
    }

    int acceptCap() {
        return acceptCap;
    }

    boolean paused() {
        return paused;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel child = (Channel) msg;
        Channel server = ctx.channel();
        int n = open.incrementAndGet();
        child.closeFuture().addListener(f -> released(server));
        if (n > maxConnections) {
            child.attr(REFUSED).set(Boolean.TRUE);
            metrics.connectionsRefused.inc();
        }
        if (n >= acceptCap && !paused) {
            paused = true;
            server.config().setAutoRead(false);
            log.warn("{} connections reach the open-files cap ({} after --fd-reserve): "
                    + "pausing accept until connections close", n, acceptCap);
        }
        ctx.fireChannelRead(msg);
    }

    private void released(Channel server) {
        if (open.decrementAndGet() < resumeBelow && paused) {
            server.eventLoop().execute(() -> {
                // Re-check on the listening loop: another close may have resumed already, or new
                // accepts raced us back above the line.
                if (paused && open.get() < resumeBelow && server.isOpen()) {
                    paused = false;
                    server.config().setAutoRead(true);
                    log.info("{} connections: accepting again", open.get());
                }
            });
        }
    }

    private static long maxFileDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
    }

    private static long openFileDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getOpenFileDescriptorCount() : 0;
    }
}
