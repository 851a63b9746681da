package stylegraph.features;

import org.apache.tinkerpop.gremlin.driver.Client;
import org.apache.tinkerpop.gremlin.driver.Cluster;
import org.apache.tinkerpop.gremlin.driver.remote.DriverRemoteConnection;
import org.apache.tinkerpop.gremlin.process.remote.RemoteConnection;
import org.apache.tinkerpop.gremlin.process.remote.RemoteConnectionException;
import org.apache.tinkerpop.gremlin.process.remote.traversal.RemoteTraversal;
import org.apache.tinkerpop.gremlin.process.traversal.Bytecode;
import org.apache.tinkerpop.gremlin.process.traversal.dsl.graph.GraphTraversalSource;
import org.apache.tinkerpop.gremlin.util.ser.Serializers;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.apache.tinkerpop.gremlin.process.traversal.AnonymousTraversalSource.traversal;

/**
 * One driver {@link Cluster} and {@link Client} per server URL, opened on first use and kept for the whole
 * run (the step definitions close their traversal source after every scenario; closing that must not
 * close the shared connection, see {@link SharedConnection}).
 */
final class Remotes {
    private static final Map<URI, DriverRemoteConnection> CONNECTIONS = new HashMap<>();
    private static final Map<URI, Cluster> CLUSTERS = new HashMap<>();

    private Remotes() {
    }

    /** A traversal source on the server's traversal source {@code g} at {@code url}. */
    static synchronized GraphTraversalSource traversalSource(final URI url, final String serializer) {
        final DriverRemoteConnection conn = CONNECTIONS.computeIfAbsent(url, u -> {
            final Cluster cluster = Cluster.build(u.getHost())
                    .port(u.getPort())
                    .path(u.getPath() == null || u.getPath().isEmpty() ? "/gremlin" : u.getPath())
                    .serializer(serializer.equals("graphson") ? Serializers.GRAPHSON_V3 : Serializers.GRAPHBINARY_V1)
                    .minConnectionPoolSize(1)
                    .maxConnectionPoolSize(2)
                    .maxContentLength(64 * 1024 * 1024)
                    .create();
            CLUSTERS.put(u, cluster);
            final Client client = cluster.connect();
            return DriverRemoteConnection.using(client, "g");
        });
        return traversal().withRemote(new SharedConnection(conn));
    }

    /** Closes every connection and cluster (end of the run). */
    static synchronized void closeAll() {
        for (final DriverRemoteConnection c : CONNECTIONS.values()) {
            try {
                c.close();
            } catch (final Exception ignored) {
                // the run is over; a connection that fails to close changes no result
            }
        }
        CLUSTERS.values().forEach(Cluster::close);
        CONNECTIONS.clear();
        CLUSTERS.clear();
    }

    /** Delegates to a shared {@link DriverRemoteConnection}; {@link #close()} leaves it open. */
    static final class SharedConnection implements RemoteConnection {
        private final DriverRemoteConnection delegate;

        SharedConnection(final DriverRemoteConnection delegate) {
            this.delegate = delegate;
        }

        @Override
        public <E> CompletableFuture<RemoteTraversal<?, E>> submitAsync(final Bytecode bytecode)
                throws RemoteConnectionException {
            return delegate.submitAsync(bytecode);
        }

        @Override
        public void close() {
            // shared by every scenario of the run: Remotes.closeAll() closes it
        }
    }
}
