package lockfree.stress;

import lockfree.stress.ProfileClassifier.Category;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The classifier on small synthetic collapsed stacks: the innermost claimed frame decides. */
class ProfileClassifierTest {
    private static final String LOOP = "[multiThreadIoEventLoopGroup-3-1 tid=41];java/lang/Thread.run;"
            + "io/netty/channel/SingleThreadIoEventLoop.run;io/netty/channel/epoll/EpollIoHandler.run";

    private static Category of(String stack) {
        return ProfileClassifier.classify(stack.split(";"));
    }

    @Test
    void theInnermostClaimedFrameDecides() {
        // Jackson called from a Netty handler is JSON; the handler alone is Netty.
        assertEquals(Category.JSON, of(LOOP + ";io/netty/channel/AbstractChannelHandlerContext.invokeChannelRead;"
                + "lockfree/common/protocol/Frames.decode;com/fasterxml/jackson/core/json/ReaderBasedJsonParser.nextToken"));
        assertEquals(Category.NETTY, of(LOOP + ";io/netty/handler/codec/http/websocketx/WebSocket08FrameEncoder.encode"));
        // Frames no category claims (JDK helpers, stubs) hand the sample to their caller.
        assertEquals(Category.NETTY, of(LOOP + ";io/netty/buffer/AbstractByteBuf.writeBytes;java/lang/System.arraycopy;"
                + "StubRoutines::jlong_disjoint_arraycopy"));
        assertEquals(Category.OTHER, of("[main tid=1];java/lang/Thread.run;java/lang/String.hashCode"));
    }

    @Test
    void aSendIsTheKernelSendPathWithOrWithoutKernelFrames() {
        String flush = LOOP + ";io/netty/channel/epoll/AbstractEpollChannel$AbstractEpollUnsafe.flush0;"
                + "io/netty/channel/epoll/AbstractEpollStreamChannel.doWrite";
        // user space only (itimer, or perf_events without kernel): the native entry is innermost
        assertEquals(Category.SYSCALL, of(flush + ";io/netty/channel/unix/FileDescriptor.writevAddresses;writev"));
        assertEquals(Category.SYSCALL, of(flush + ";io/netty/channel/unix/Socket.sendAddress;__send"));
        // with kernel frames: the innermost kernel helper is unclaimed, tcp_sendmsg claims it
        assertEquals(Category.SYSCALL, of(flush + ";__send;entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];"
                + "__x64_sys_sendto_[k];tcp_sendmsg_[k];tcp_sendmsg_locked_[k];_copy_from_iter_[k]"));
        assertEquals(Category.SYSCALL, of("[nioEventLoopGroup-2-1 tid=7];sun/nio/ch/SocketChannelImpl.write;"
                + "sun/nio/ch/IOUtil.write;sun/nio/ch/SocketDispatcher.writev0"));
    }

    @Test
    void waitingForEventsIsPollNotNettyNorSyscall() {
        assertEquals(Category.POLL, of(LOOP + ";io/netty/channel/epoll/Native.epollWait;epoll_wait"));
        assertEquals(Category.POLL, of(LOOP + ";io/netty/channel/epoll/Native.epollWait0;"
                + "/tmp/libnetty_transport_native_epoll_x86_64.so;epoll_pwait;do_epoll_wait_[k];schedule_[k]"));
        // Netty's other Native calls are syscalls
        assertEquals(Category.SYSCALL, of(LOOP + ";io/netty/channel/epoll/Native.eventFdWrite"));
    }

    @Test
    void jvmThreadsAndHotSpotFramesAreTheJvmsGcJitOrVm() {
        assertEquals(Category.JIT, of("[C2 CompilerThre tid=12];thread_native_entry;Thread::call_run;"
                + "CompileBroker::compiler_thread_loop;C2Compiler::compile_method;PhaseIdealLoop::build_loop_tree"));
        // the compiler emitting G1's write barrier is still the compiler
        assertEquals(Category.JIT, of("[C2 CompilerThre tid=12];thread_native_entry;Thread::call_run;"
                + "CompileBroker::compiler_thread_loop;C2Compiler::compile_method;G1BarrierSetC2::post_barrier"));
        assertEquals(Category.GC, of("[GC Thread#0 tid=9];thread_native_entry;WorkerThread::run;G1ParTask::work"));
        assertEquals(Category.GC, of("[G1 Refine#0 tid=27403];thread_native_entry;Thread::call_run;"
                + "G1ConcurrentRefineThread::run_service;G1RemSet::refine_card_concurrently"));
        // a GC triggered by an allocation on an event loop
        assertEquals(Category.GC, of(LOOP + ";io/netty/buffer/PooledByteBufAllocator.newDirectBuffer;"
                + "OptoRuntime::new_array_C;MemAllocator::allocate;G1CollectedHeap::attempt_allocation_slow"));
        assertEquals(Category.VM, of("[VM Periodic Tas tid=27415];thread_native_entry;Thread::call_run;"
                + "WatcherThread::run;PeriodicTask::real_time_tick"));
    }

    @Test
    void queuesSessionTablesMetricsAndRouting() {
        assertEquals(Category.QUEUE, of(LOOP + ";lockfree/stage3/MpscSendQueue.drain;org/jctools/queues/MpscArrayQueue.poll"));
        assertEquals(Category.QUEUE, of(LOOP + ";lockfree/stage0/LockedSendQueue.offer"));
        assertEquals(Category.QUEUE, of(LOOP + ";io/netty/channel/ChannelOutboundBuffer.addMessage"));
        assertEquals(Category.SESSIONS, of(LOOP + ";lockfree/stage0/RwLockSessionManager.lookup;java/util/HashMap.get"));
        assertEquals(Category.SESSIONS, of(LOOP + ";lockfree/stage3/LockFreeSessionManager.lookup;"
                + "org/jctools/maps/NonBlockingHashMapLong.get"));
        assertEquals(Category.METRICS, of(LOOP + ";io/prometheus/metrics/core/metrics/Counter.inc"));
        assertEquals(Category.METRICS, of(LOOP + ";org/HdrHistogram/Histogram.recordValue"));
        assertEquals(Category.ROUTING, of(LOOP + ";lockfree/common/routing/LocalRouter.send"));
    }

    /** A JDK map is a session lookup only when no other category's frame encloses it. */
    @Test
    void aSharedJdkMapBelongsToTheCategoryAroundIt() {
        assertEquals(Category.JSON, of(LOOP + ";com/fasterxml/jackson/databind/ObjectMapper.readValue;"
                + "java/util/concurrent/ConcurrentHashMap.get"));
        assertEquals(Category.SESSIONS, of("[main tid=1];lockfree/common/Handler.onLogin;java/util/concurrent/ConcurrentHashMap.put"));
    }

    @Test
    void aFileIsSummedPerCategoryAndTellsWhetherTheKernelWasSeen() {
        List<String> file = List.of(
                LOOP + ";com/fasterxml/jackson/core/JsonGenerator.writeString 7",
                LOOP + ";io/netty/channel/unix/FileDescriptor.writevAddresses;writev 3",
                "",
                LOOP + ";com/fasterxml/jackson/core/JsonGenerator.writeNumber 5");
        Map<Category, Long> samples = ProfileClassifier.samples(file);
        assertEquals(12, samples.get(Category.JSON));
        assertEquals(3, samples.get(Category.SYSCALL));
        assertEquals(0, samples.get(Category.METRICS));
        assertEquals(Category.values().length, samples.size());
        assertFalse(ProfileClassifier.hasKernelFrames(file));
        assertTrue(ProfileClassifier.hasKernelFrames(List.of(LOOP + ";writev;tcp_sendmsg_[k] 2")));
    }

    @Test
    void perCategoryCostIsItsShareOfTheMeasuredCpuPerDelivery() {
        Map<Category, Long> samples = new java.util.EnumMap<>(Category.class);
        samples.put(Category.SYSCALL, 30L);
        samples.put(Category.NETTY, 10L);
        List<Map<String, Object>> rows = ProfileSession.categories(samples, 20.0);
        assertEquals(Category.values().length, rows.size());
        assertEquals("syscall", rows.get(0).get("category"));
        assertEquals(0.75, (double) rows.get(0).get("share"), 1e-9);
        assertEquals(15.0, (double) rows.get(0).get("cpuMicrosPerDelivery"), 1e-9);
        double total = rows.stream().mapToDouble(r -> (double) r.get("cpuMicrosPerDelivery")).sum();
        assertEquals(20.0, total, 1e-9);
        // no CPU reading (off Linux): unknown, not zero
        assertEquals(-1.0, (double) ProfileSession.categories(samples, -1).get(0).get("cpuMicrosPerDelivery"));
    }

    /**
     * The fixtures' teeth: a broken classifier that takes the outermost claimed frame instead
     * would put every event-loop sample in Netty; the stacks above tell it apart.
     */
    @Test
    void anOutermostFirstClassifierWouldFailTheseStacks() {
        java.util.function.Function<String, Category> outermostFirst = stack -> {
            for (String f : stack.split(";")) {
                for (Category c : Category.values()) {
                    if (c != Category.OTHER && c.claims(f)) {
                        return c;
                    }
                }
            }
            return Category.OTHER;
        };
        String json = LOOP + ";io/netty/channel/AbstractChannelHandlerContext.invokeChannelRead;"
                + "com/fasterxml/jackson/core/json/ReaderBasedJsonParser.nextToken";
        String send = LOOP + ";io/netty/channel/unix/FileDescriptor.writevAddresses;writev";
        assertEquals(Category.NETTY, outermostFirst.apply(json));
        assertEquals(Category.NETTY, outermostFirst.apply(send));
        assertEquals(Category.JSON, of(json));
        assertEquals(Category.SYSCALL, of(send));
    }
}
