package stylegraph.features;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs TinkerPop's Gherkin features (from the gremlin-test jar on the classpath) against Gremlin servers:
 * <pre>
 * java -cp ... stylegraph.features.Main --serializer graphbinary|graphson \
 *     --graph empty=ws://127.0.0.1:P/gremlin --graph modern=ws://... [--graph classic=... crew grateful sink] \
 *     [--skip @Tag=reason ...] [cucumber options, e.g. --plugin json:report.json --name REGEX] [feature paths]
 * </pre>
 * Without feature paths the whole suite ({@code classpath:org/apache/tinkerpop/gremlin/test/features}) runs.
 * Exits with Cucumber's status (0 when every scenario run passed).
 */
public final class Main {
    private static final String FEATURES = "classpath:org/apache/tinkerpop/gremlin/test/features";

    private Main() {
    }

    public static void main(final String[] args) {
        final List<String> rest = new ArrayList<>();
        final RunnerConfig config;
        try {
            config = RunnerConfig.parse(args, rest);
        } catch (final IllegalArgumentException e) {
            System.err.println("stylegraph.features.Main: " + e.getMessage());
            System.exit(2);
            return;
        }
        RunnerConfig.install(config);
        System.setProperty("cucumber.publish.quiet", "true");
        final List<String> argv = new ArrayList<>(List.of(
                "--glue", "org.apache.tinkerpop.gremlin.features",
                "--object-factory", StylegraphObjectFactory.class.getName(),
                "--monochrome"));
        argv.addAll(rest);
        if (rest.stream().noneMatch(a -> a.startsWith("classpath:") || a.endsWith(".feature")))
            argv.add(FEATURES);
        final byte status;
        try {
            status = io.cucumber.core.cli.Main.run(argv.toArray(new String[0]), Main.class.getClassLoader());
        } finally {
            Remotes.closeAll();
        }
        System.exit(status);
    }
}
