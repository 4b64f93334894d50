"""streamtui: stop a runaway SignalWire conference media stream, from the terminal."""

__version__ = "0.1.0"
