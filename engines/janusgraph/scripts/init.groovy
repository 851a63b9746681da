// Binds `g`, the traversal source remote clients name, over `graph`.
// ReferenceElementStrategy: elements come back as references (id and label, no
// properties), the way Neptune and TinkerPop's own default config return them.
def globals = [:]
globals << [g : graph.traversal().withStrategies(ReferenceElementStrategy)]
