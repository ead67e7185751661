"""`python -m rotaplan` runs the command line."""

from rotaplan.cli import main

raise SystemExit(main())
