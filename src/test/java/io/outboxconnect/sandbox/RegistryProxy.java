package io.outboxconnect.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy between the Connect worker and the schema registry that can be cut: while
 * cut, every open connection is reset and every new one is reset at once, as a registry behind a
 * failing load balancer looks to its clients. The registry itself keeps running, so its in-memory
 * schemas survive the outage. It counts the connections it refused during the last outage: the
 * evidence that a client tried to reach the registry while it was away.
 */
public final class RegistryProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress registry;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    private final AtomicInteger refusedWhileCut = new AtomicInteger();
    private final Thread acceptor;

    private RegistryProxy(ServerSocket listener, InetSocketAddress registry) {
        this.listener = listener;
        this.registry = registry;
        this.acceptor = new Thread(this::accept, "registry-proxy-" + listener.getLocalPort());
        acceptor.setDaemon(true);
    }

    /** A proxy on 127.0.0.1 and a free port in front of {@code registryPort} on 127.0.0.1. */
    public static RegistryProxy start(int registryPort) {
        try {
            ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            RegistryProxy proxy = new RegistryProxy(listener, new InetSocketAddress(InetAddress.getLoopbackAddress(), registryPort));
            proxy.acceptor.start();
            System.out.printf("[sandbox] registry proxy on 127.0.0.1:%d -> 127.0.0.1:%d%n", listener.getLocalPort(), registryPort);
            return proxy;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Resets every open connection and every new one until {@link #restore()}; counts the new ones from zero. */
    public void cut() {
        refusedWhileCut.set(0);
        cut = true;
        open.forEach(RegistryProxy::reset);
        System.out.println("[sandbox] registry proxy cut: connections are reset");
    }

    public void restore() {
        cut = false;
        System.out.println("[sandbox] registry proxy restored; " + refusedWhileCut.get() + " connections refused while cut");
    }

    /** The connections opened since the last {@link #cut()} that the proxy reset at once because it was cut (not those open when it was cut). */
    public int connectionsRefusedWhileCut() {
        return refusedWhileCut.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            }
            catch (IOException e) {
                return;
            }
            if (cut) {
                refusedWhileCut.incrementAndGet();
                reset(client);
                continue;
            }
            try {
                Socket upstream = new Socket();
                upstream.connect(registry, 5_000);
                open.add(client);
                open.add(upstream);
                if (cut) {
                    // cut while this one was connecting, perhaps after cut() reset the open ones: it must not get through
                    refusedWhileCut.incrementAndGet();
                    open.remove(client);
                    open.remove(upstream);
                    reset(client);
                    close(upstream);
                    continue;
                }
                pump(client, upstream);
                pump(upstream, client);
            }
            catch (IOException e) {
                reset(client);
            }
        }
    }

    /** Copies bytes one way until either side closes; then closes both. */
    private void pump(Socket from, Socket to) {
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
            catch (IOException e) {
                // the other side went away, or the proxy reset the connection
            }
            finally {
                open.remove(from);
                open.remove(to);
                close(from);
                close(to);
            }
        }, "registry-proxy-pump");
        pump.setDaemon(true);
        pump.start();
    }

    /** Closes with {@code SO_LINGER 0}: the peer gets a TCP reset, not an orderly end of stream. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        }
        catch (IOException e) {
            // already closed
        }
        close(socket);
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        }
        catch (IOException e) {
            // best effort
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        }
        catch (IOException e) {
            // best effort
        }
        open.forEach(RegistryProxy::reset);
        open.clear();
    }
}
