# stylegraph: `make demo` runs the main job, `make test` runs the tests.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export DGLBACKEND := pytorch
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup test demo bench browser engines clean

# (re)install when .venv is missing or pyproject/constraints changed
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -c constraints.txt -e '.[test,bench]'
	touch $(STAMP)

setup: $(STAMP)

# Debian chromium for the explorer's browser test
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: run 'sudo apt-get install chromium'"; fi; }

# the real engines the tests run against (TinkerPop Gremlin Server, JanusGraph, Neo4j): their jars
# from Maven Central into ~/.m2, and engines/<engine>/classpath.txt for `java -cp`; and the
# runner of TinkerPop's Gherkin feature suites (engines/features: gremlin-test 3.7 and 3.8,
# our World compiled to engines/features/tp3x/target/classes)
FEATURE_MODULES := engines/features/tp37 engines/features/tp38
ENGINE_CLASSPATHS := engines/tinkergraph/classpath.txt engines/janusgraph/classpath.txt \
	engines/neo4j/classpath.txt $(addsuffix /classpath.txt,$(FEATURE_MODULES))
FEATURE_SOURCES := $(shell find engines/features/src engines/neo4j/src -type f 2>/dev/null)
$(ENGINE_CLASSPATHS) &: engines/pom.xml engines/tinkergraph/pom.xml engines/janusgraph/pom.xml \
		engines/neo4j/pom.xml $(addsuffix /pom.xml,$(FEATURE_MODULES)) $(FEATURE_SOURCES)
	@command -v java >/dev/null 2>&1 || { echo "make engines: java not found; install a JDK 11+ (Debian: apt-get install openjdk-17-jdk-headless)" >&2; exit 1; }
	@command -v mvn >/dev/null 2>&1 || { echo "make engines: mvn not found; install Maven 3.6+ (Debian: apt-get install maven)" >&2; exit 1; }
	mvn -q -B -f engines/pom.xml compile dependency:build-classpath -Dmdep.outputFile=classpath.txt
	touch $(ENGINE_CLASSPATHS)

engines: $(ENGINE_CLASSPATHS)

test: setup browser engines
	$(BIN)/python -m pytest -q -p no:cacheprovider

demo: setup
	$(BIN)/python -m stylegraph.demo

bench: setup engines
	@set -e; for f in bench/[!_]*.py; do echo "== $$f"; $(BIN)/python $$f; done

clean:
	rm -rf $(VENV) data runs
