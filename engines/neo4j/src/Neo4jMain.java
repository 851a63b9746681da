import java.nio.file.Path;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/**
 * Neo4j 5.26 in process (the official test harness) with Bolt on 127.0.0.1, for stylegraph's tests.
 *
 * <p>Usage: {@code java -cp <classpath.txt> Neo4jMain.java [--port N] [--password P] [--dir D]}.
 * Port 0 (the default) lets the OS choose. Authentication is on: user {@code neo4j} with the
 * given password (default {@code stylegraph-test}). Prints {@code BOLT bolt://127.0.0.1:N} when
 * ready, and stops when its stdin closes or on SIGTERM.
 */
public final class Neo4jMain {
    private Neo4jMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = 0;
        String password = "stylegraph-test";
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--password" -> password = args[++i];
                case "--dir" -> dir = Path.of(args[++i]);
                default -> {
                    System.err.println("unknown argument " + args[i] + "; usage: [--port N] [--password P] [--dir D]");
                    System.exit(2);
                }
            }
        }
        var builder = dir == null ? Neo4jBuilders.newInProcessBuilder() : Neo4jBuilders.newInProcessBuilder(dir);
        Neo4j neo4j = builder
                .withDisabledServer()
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .withConfig(HttpConnector.enabled, false)
                .withConfig(GraphDatabaseSettings.auth_enabled, true)
                .withConfig(GraphDatabaseSettings.pagecache_memory, 64L * 1024 * 1024)
                .build();
        GraphDatabaseService system = neo4j.databaseManagementService().database("system");
        system.executeTransactionally("ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                Map.of("password", password));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            neo4j.close();
            stopped.countDown();
        }));
        System.out.println("BOLT " + neo4j.boltURI());
        System.out.flush();
        InputStream in = System.in;
        while (in.read() != -1) {
            // wait for the parent to close our stdin
        }
        System.exit(0);
    }
}
