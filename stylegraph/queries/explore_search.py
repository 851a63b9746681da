"""The explorer's search box on Gremlin: find products by words of their title
(``ProductGraph.search_products`` puts the exact id first).

Gremlin (TinkerPop 3.7, and Neptune without its full-text add-on) has no
case-insensitive match, so every word must appear in the title in one of
its usual spellings (as typed, lower case, Capitalised, UPPER CASE). That
stays one traversal made only of standard ``TextP.containing`` predicates,
so it runs unchanged on every backend.
"""
from __future__ import annotations

from gremlin_python.process.graph_traversal import GraphTraversalSource
from gremlin_python.process.traversal import TextP

from stylegraph.queries.filters import PRODUCT_LABEL

MAX_WORDS = 6


def spellings(word: str) -> list[str]:
    """The spellings of ``word`` a title may use, without duplicates, as typed first."""
    return list(dict.fromkeys([word, word.lower(), word.capitalize(), word.upper()]))


def word_predicate(word: str) -> TextP:
    """A predicate true when a string contains ``word`` in any of its spellings."""
    variants = spellings(word)
    predicate = TextP.containing(variants[0])
    for variant in variants[1:]:
        predicate = predicate.or_(TextP.containing(variant))
    return predicate


def title_matches(g: GraphTraversalSource, text: str, limit: int) -> list[str]:
    """Ids of up to ``limit`` products whose title contains every word of ``text``."""
    words = text.split()[:MAX_WORDS]
    if not words:
        return []
    t = g.V().has_label(PRODUCT_LABEL)
    for word in words:
        t = t.has("title", word_predicate(word))
    # by id before limit: the same `limit` matches on every backend (each iterates in its own order)
    return [str(v) for v in t.id_().order().limit(limit).to_list()]


def first_product_ids(g: GraphTraversalSource, limit: int) -> list[str]:
    """The ``limit`` smallest product ids."""
    return [str(v) for v in g.V().has_label(PRODUCT_LABEL).id_().order().limit(limit).to_list()]
