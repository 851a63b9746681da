"""Every Gremlin traversal the product runs, as named functions of ``g``."""
