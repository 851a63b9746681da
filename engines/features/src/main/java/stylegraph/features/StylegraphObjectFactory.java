package stylegraph.features;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Stage;
import io.cucumber.guice.CucumberModules;
import org.apache.tinkerpop.gremlin.features.AbstractGuiceFactory;
import org.apache.tinkerpop.gremlin.features.World;

/** Cucumber's object factory: Guice, with {@link World} bound to {@link StylegraphWorld}. */
public final class StylegraphObjectFactory extends AbstractGuiceFactory {
    public StylegraphObjectFactory() {
        super(Guice.createInjector(Stage.PRODUCTION, CucumberModules.createScenarioModule(), new WorldModule()));
    }

    /** Binds the world. */
    static final class WorldModule extends AbstractModule {
        @Override
        protected void configure() {
            bind(World.class).to(StylegraphWorld.class);
        }
    }
}
