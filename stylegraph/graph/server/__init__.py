"""stylegraph's Gremlin Server: TinkerPop's WebSocket protocol on ``/gremlin``.

``start_server(graph, host, port=0, settings=None) -> ServerHandle`` runs it in a
background thread (tests, embedding); ``serve_forever(db, host, port)`` runs it
as the ``stylegraph gremlin-server`` process.
"""
from stylegraph.graph.server.gremlin_server import GremlinServer
from stylegraph.graph.server.runner import ServerHandle, serve_forever, start_server

__all__ = ["GremlinServer", "ServerHandle", "serve_forever", "start_server"]
