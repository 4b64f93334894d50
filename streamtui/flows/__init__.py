"""What a user does, once for both front-ends: the CLI and the TUI call these flows, so the two
cannot drift apart (log in, log out, verify; stop one, stop many; record each request)."""
