"""Client programs the tests run in other Python environments (e.g. another gremlinpython)."""
