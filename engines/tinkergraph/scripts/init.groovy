// Binds the traversal sources remote clients name (gremlinpython's
// DriverRemoteConnection(url, "g")): `g` over `graph`, `scratch` over `scratch`.
// ReferenceElementStrategy: elements come back as references (id and label, no
// properties), the way Neptune and TinkerPop's own default config return them.
def globals = [:]
globals << [g : traversal().withEmbedded(graph).withStrategies(ReferenceElementStrategy)]
globals << [scratch : traversal().withEmbedded(scratch).withStrategies(ReferenceElementStrategy)]
