"""stylegraph: shop-by-style recommendations over a Gremlin product graph."""

__version__ = "0.1.0"
