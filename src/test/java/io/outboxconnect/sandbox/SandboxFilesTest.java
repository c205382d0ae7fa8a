package io.outboxconnect.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SandboxFilesTest {

    @Test
    void freePortsAreBindableDistinctAndBelowTheEphemeralRange() throws IOException {
        int ephemeralFrom = SandboxFiles.ephemeralPortsFrom();
        assertThat(ephemeralFrom).as("the kernel's ephemeral range starts high enough for the sandbox's ports").isGreaterThan(11_000);
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = SandboxFiles.freePort();
            assertThat(port).isBetween(10_000, ephemeralFrom - 1);
            assertThat(ports.add(port)).as("port %d handed out twice", port).isTrue();
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            }
        }
    }
}
