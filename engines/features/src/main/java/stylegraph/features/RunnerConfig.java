package stylegraph.features;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run of the feature suite talks to, parsed from the command line by {@link Main}: the Gremlin
 * server URL of each toy graph ({@code modern, classic, crew, grateful, sink}) and of the empty graph
 * ({@code empty}), the serializer, and the tags whose scenarios are skipped (each with its reason).
 * One instance per JVM, shared by every scenario's {@link StylegraphWorld}.
 */
public final class RunnerConfig {
    public static final List<String> GRAPH_NAMES =
            List.of("empty", "modern", "classic", "crew", "grateful", "sink");

    private static volatile RunnerConfig current;

    private final Map<String, URI> graphs;
    private final String serializer;
    private final Map<String, String> skippedTags;

    RunnerConfig(final Map<String, URI> graphs, final String serializer, final Map<String, String> skippedTags) {
        if (!serializer.equals("graphbinary") && !serializer.equals("graphson"))
            throw new IllegalArgumentException("--serializer must be graphbinary or graphson, got " + serializer);
        for (final String name : graphs.keySet())
            if (!GRAPH_NAMES.contains(name))
                throw new IllegalArgumentException("unknown graph " + name + "; expected one of " + GRAPH_NAMES);
        if (!graphs.containsKey("empty"))
            throw new IllegalArgumentException("--graph empty=<url> is required (the graph scenarios may change)");
        this.graphs = Collections.unmodifiableMap(new LinkedHashMap<>(graphs));
        this.serializer = serializer;
        this.skippedTags = Collections.unmodifiableMap(new LinkedHashMap<>(skippedTags));
    }

    /** The configuration of this JVM's run; fails if {@link Main} did not install one. */
    public static RunnerConfig get() {
        final RunnerConfig c = current;
        if (c == null) throw new IllegalStateException("RunnerConfig not installed: run stylegraph.features.Main");
        return c;
    }

    static void install(final RunnerConfig config) {
        current = config;
    }

    /** The server URL of graph {@code name}, or null when the run was given none. */
    public URI graph(final String name) {
        return graphs.get(name);
    }

    /** {@code graphbinary} or {@code graphson}. */
    public String serializer() {
        return serializer;
    }

    /** Tag (with its {@code @}) -> why scenarios carrying it are skipped. */
    public Map<String, String> skippedTags() {
        return skippedTags;
    }

    /**
     * Splits our options ({@code --graph NAME=URL}, {@code --serializer S}, {@code --skip @TAG=REASON})
     * from the rest, which go to Cucumber unchanged.
     */
    static RunnerConfig parse(final String[] args, final List<String> rest) {
        final Map<String, URI> graphs = new LinkedHashMap<>();
        final Map<String, String> skips = new LinkedHashMap<>();
        String serializer = "graphbinary";
        final List<String> argv = new ArrayList<>(List.of(args));
        for (int i = 0; i < argv.size(); i++) {
            final String a = argv.get(i);
            if (a.equals("--graph") || a.equals("--skip") || a.equals("--serializer")) {
                if (i + 1 >= argv.size()) throw new IllegalArgumentException(a + " needs a value");
                final String v = argv.get(++i);
                if (a.equals("--serializer")) {
                    serializer = v;
                    continue;
                }
                final int eq = v.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException(a + " expects KEY=VALUE, got " + v);
                if (a.equals("--graph")) graphs.put(v.substring(0, eq), URI.create(v.substring(eq + 1)));
                else skips.put(v.substring(0, eq), v.substring(eq + 1));
            } else {
                rest.add(a);
            }
        }
        return new RunnerConfig(graphs, serializer, skips);
    }
}
