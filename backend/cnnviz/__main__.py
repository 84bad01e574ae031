"""`python -m cnnviz`: the same CLI without relying on the console script being on PATH."""

from cnnviz.cli import main

raise SystemExit(main())
