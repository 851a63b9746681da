# stylegraph: `make demo` runs the main job, `make test` runs the tests.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export DGLBACKEND := pytorch
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup test demo bench browser clean

# (re)install when .venv is missing or pyproject/constraints changed
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# Debian chromium for the explorer's browser test
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: run 'sudo apt-get install chromium'"; fi; }

test: setup browser
	$(BIN)/python -m pytest -q -p no:cacheprovider

demo: setup
	$(BIN)/python -m stylegraph.demo

bench: setup
	@set -e; for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f; done

clean:
	rm -rf $(VENV) data runs
