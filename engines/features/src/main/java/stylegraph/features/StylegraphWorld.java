package stylegraph.features;

import io.cucumber.java.Scenario;
import org.apache.tinkerpop.gremlin.LoadGraphWith;
import org.apache.tinkerpop.gremlin.features.World;
import org.apache.tinkerpop.gremlin.process.traversal.dsl.graph.GraphTraversalSource;
import org.apache.tinkerpop.gremlin.structure.Element;
import org.junit.AssumptionViolatedException;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@link World} of TinkerPop's step definitions for a remote Gremlin server: each toy graph lives on
 * a server of its own (given by URL), and the empty graph is cleared with {@code g.V().drop()} before each
 * scenario that asks for it. Scenarios carrying a skipped tag end as skipped (JUnit's assumption
 * failure, which Cucumber reports as "skipped") with the tag's reason.
 */
public final class StylegraphWorld implements World {
    private final RunnerConfig config = RunnerConfig.get();

    @Override
    public void beforeEachScenario(final Scenario scenario) {
        final List<String> reasons = new ArrayList<>();
        for (final Map.Entry<String, String> skip : config.skippedTags().entrySet())
            if (scenario.getSourceTagNames().contains(skip.getKey()))
                reasons.add(skip.getKey() + ": " + skip.getValue());
        if (!reasons.isEmpty())
            throw new AssumptionViolatedException("skipped " + String.join("; ", reasons));
    }

    @Override
    public GraphTraversalSource getGraphTraversalSource(final LoadGraphWith.GraphData graphData) {
        final String name = graphData == null ? "empty" : graphData.name().toLowerCase();
        final URI url = config.graph(name);
        if (url == null)
            throw new AssumptionViolatedException("skipped: no server was given for the " + name + " graph");
        final GraphTraversalSource g = Remotes.traversalSource(url, config.serializer());
        if (graphData == null) g.V().drop().iterate();  // scenarios may change only the empty graph
        return g;
    }

    /** Our ids are strings, which the Gremlin grammar reads only when quoted. */
    @Override
    public String convertIdToScript(final Object id, final Class<? extends Element> type) {
        if (id instanceof String)
            return "\"" + ((String) id).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        return id.toString();
    }
}
