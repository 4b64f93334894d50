"""`python -m streamtui.emulator`: run the emulator without the rest of streamtui."""

from streamtui.emulator.command import main

raise SystemExit(main())
