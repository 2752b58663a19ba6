package lockfree.common.contract;

import java.util.concurrent.Executor;

/**
 * Where a {@link SendQueue}'s drain writes: in the gateway, a Netty channel and its event loop; in
 * the contract tests and benchmarks, a recording fake. Every method but {@link #execute} is
 * called only from the drain, on the executor's thread.
 */
public interface Outbound<E> extends Executor {

    /** Runs a drain on the consumer thread (the channel's event loop). Safe from any thread. */
    @Override
    void execute(Runnable drain);

    /** False while the socket's outbound buffer is above its high-water mark. */
    boolean isWritable();

    /** False once the connection is gone: a drain then {@link #discard}s instead of writing. */
    boolean isOpen();

    /** Writes one message into the outbound buffer without flushing it to the socket. */
    void write(E message);

    /** Pushes what was written to the socket: one system call for a whole batch of writes. */
    void flush();

    /** Releases a message that will never be written (the connection closed). */
    void discard(E message);
}
