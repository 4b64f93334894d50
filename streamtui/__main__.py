"""`python -m streamtui` runs the same entry point as the console script."""

from streamtui.cli import main

raise SystemExit(main())
