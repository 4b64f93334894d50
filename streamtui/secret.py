"""A token wrapper that cannot leak by accident: repr, str and f-strings show it masked."""

from __future__ import annotations

from streamtui import redact


class Secret:
    """Holds an API token. Only `reveal()` gives the value; everything else masks it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        redact.remember_token(value)  # from now on, any server text that echoes it is masked

    def reveal(self) -> str:
        return self._value

    def masked(self) -> str:
        """The last 4 characters, only when the token is long enough to keep that safe."""
        if len(self._value) < 12:
            return "****"
        return "****" + self._value[-4:]

    def __repr__(self) -> str:
        return f"Secret({self.masked()})"

    __str__ = masked

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret is not to be pickled")
