"""``python -m stylegraph`` runs the ``stylegraph`` console script."""
import sys

from stylegraph.cli import main

sys.exit(main())
