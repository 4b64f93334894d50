"""Where the space, project ID and token come from.

Resolution order: explicit flags, then the `SIGNALWIRE_*` environment variables, then the profile
in the config plus the token from the OS keyring (see `keyring_store`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from streamtui.credentials.destination import destination_name, keyring_username, where_of
from streamtui.credentials.keyring_store import KeyringStore, TokenStore
from streamtui.errors import CredentialsError, InvalidInput, KeyringUnavailable
from streamtui.secret import Secret
from streamtui.validation import (
    space_url,
    validate_base_url,
    validate_project_id,
    validate_space,
    validate_token,
)

ENV_SPACE = ("SIGNALWIRE_SPACE", "SIGNALWIRE_SPACE_URL")
ENV_PROJECT_ID = ("SIGNALWIRE_PROJECT_ID",)
ENV_TOKEN = ("SIGNALWIRE_API_TOKEN", "SIGNALWIRE_TOKEN")
ENV_BASE_URL = "STREAMTUI_BASE_URL"


class ProfileLike(Protocol):
    """What resolution reads of a profile (config.Profile has it)."""

    @property
    def space(self) -> str | None: ...
    @property
    def project_id(self) -> str | None: ...
    @property
    def base_url(self) -> str | None: ...


def _env(env: Mapping[str, str], names: tuple[str, ...]) -> tuple[str, str] | None:
    for name in names:
        value = env.get(name, "").strip()
        if value:
            return value, name
    return None


def _space_from_env(value: str) -> str:
    """SIGNALWIRE_SPACE_URL is often written as a URL: take its host."""
    if "://" in value:
        value = urlsplit(value).netloc or value
    return validate_space(value.rstrip("/"))


class _Destination:
    """Where the token goes, for credentials whole or partial."""

    base_url: str
    project_id: str
    space: str | None

    @property
    def keyring_username(self) -> str:
        return keyring_username(self.project_id, self.space, self.base_url)

    @property
    def where(self) -> str:
        """What the user should see as the destination: the space, or the explicit host."""
        return where_of(self.base_url)


@dataclass(frozen=True)
class Credentials(_Destination):
    """Everything a request needs, and where each part came from (for `auth status`)."""

    base_url: str
    project_id: str
    token: Secret
    space: str | None = None
    profile: str | None = None
    sources: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PartialCredentials(_Destination):
    """Space, project ID and base URL resolved; the token still to find."""

    base_url: str
    project_id: str
    space: str | None
    profile: str | None
    sources: dict[str, str]

    def with_token(self, token: Secret, source: str) -> Credentials:
        return Credentials(
            self.base_url,
            self.project_id,
            token,
            self.space,
            self.profile,
            {**self.sources, "token": source},
        )


def resolve_identity(
    *,
    space: str | None = None,
    project_id: str | None = None,
    base_url: str | None = None,
    profile: ProfileLike | None = None,
    profile_name: str | None = None,
    env: Mapping[str, str] | None = None,
) -> PartialCredentials:
    """Space, project ID and base URL by the resolution order; CredentialsError if missing."""
    found = _Sources(os.environ if env is None else env, profile_name)
    try:
        raw_space = found.pick(
            "space", space, "--space", ENV_SPACE, profile.space if profile else None
        )
        if raw_space is not None and found.sources["space"].startswith("environment"):
            space_name: str | None = _space_from_env(raw_space)
        else:
            space_name = validate_space(raw_space) if raw_space else None
        raw_project = found.pick(
            "project_id",
            project_id,
            "--project-id",
            ENV_PROJECT_ID,
            profile.project_id if profile else None,
        )
        resolved_base = found.base_url(base_url, profile.base_url if profile else None, space_name)
        if not raw_project:
            raise CredentialsError(
                "No project ID: set SIGNALWIRE_PROJECT_ID, or run 'streamtui auth login' to save "
                "a profile."
            )
        project = validate_project_id(raw_project)
    except InvalidInput as exc:
        origin = found.sources.get(exc.field, "")
        where = f" (from {origin})" if origin else ""
        raise CredentialsError(f"{exc.message}{where}") from exc
    return PartialCredentials(resolved_base, project, space_name, profile_name, found.sources)


class _Sources:
    """Each value by the resolution order, noting where it came from (for `auth status`)."""

    def __init__(self, env: Mapping[str, str], profile_name: str | None) -> None:
        self.env = env
        self.profile_name = profile_name
        self.sources: dict[str, str] = {}

    def pick(
        self,
        key: str,
        flag: str | None,
        flag_name: str,
        env_names: tuple[str, ...],
        from_profile: str | None,
    ) -> str | None:
        """The flag, else the first variable set, else the profile's value, else None."""
        if flag:
            self.sources[key] = flag_name
            return flag
        found = _env(self.env, env_names)
        if found:
            self.sources[key] = f"environment ({found[1]})"
            return found[0]
        if from_profile:
            self.sources[key] = f"profile {self.profile_name!r}"
            return from_profile
        return None

    def base_url(self, flag: str | None, from_profile: str | None, space: str | None) -> str:
        """An explicit base URL (flag, STREAMTUI_BASE_URL, the profile's), else the space's."""
        from_env = self.env.get(ENV_BASE_URL, "").strip() or None
        explicit = flag or from_env or from_profile
        if explicit:
            self.sources["base_url"] = (
                "--base-url"
                if flag
                else f"environment ({ENV_BASE_URL})"
                if from_env
                else f"profile {self.profile_name!r}"
            )
            return validate_base_url(explicit)
        if space:
            self.sources["base_url"] = "space"
            return space_url(space)
        raise CredentialsError(
            "No SignalWire space: set SIGNALWIRE_SPACE (e.g. 'acme' for acme.signalwire.com), "
            "or run 'streamtui auth login --space acme --project-id <uuid>' to save a profile."
        )


def resolve(
    *,
    space: str | None = None,
    project_id: str | None = None,
    base_url: str | None = None,
    profile: ProfileLike | None = None,
    profile_name: str | None = None,
    env: Mapping[str, str] | None = None,
    store: TokenStore | None = None,
    session_token: Secret | None = None,
) -> Credentials:
    """Full credentials by the resolution order, or CredentialsError saying how to provide them."""
    env = os.environ if env is None else env
    identity = resolve_identity(
        space=space,
        project_id=project_id,
        base_url=base_url,
        profile=profile,
        profile_name=profile_name,
        env=env,
    )
    found = _env(env, ENV_TOKEN)
    if found:
        try:
            token = Secret(validate_token(found[0]))
        except InvalidInput as exc:
            raise CredentialsError(f"{found[1]}: {exc.message}") from exc
        return identity.with_token(token, f"environment ({found[1]})")
    if session_token:
        return identity.with_token(session_token, "this session only (not stored)")
    store = store or KeyringStore(env=env)
    username = identity.keyring_username
    try:
        stored = store.get(username)
    except KeyringUnavailable as exc:
        raise CredentialsError(
            f"No API token in the environment, and {exc.message[0].lower()}{exc.message[1:]}"
        ) from exc
    if stored is None:
        raise _no_token(identity, store, profile_name)
    return identity.with_token(stored, f"OS keyring ({store.backend_name()}; entry {username})")


def _no_token(
    identity: PartialCredentials, store: TokenStore, profile_name: str | None
) -> CredentialsError:
    """No token for this destination. When the space has one, say that it is not sent here."""
    project = identity.project_id
    space = identity.space
    if space and identity.keyring_username == keyring_username(project, space):
        profile = f" --profile {profile_name}" if profile_name else ""
        return CredentialsError(
            f"No API token for project {project}: set SIGNALWIRE_API_TOKEN, or run "
            f"'streamtui auth login{profile} --space <space> --project-id {project}' to store it "
            "in the OS keyring."
        )
    host = destination_name(identity.base_url)
    source = identity.sources.get("base_url", "")
    parts = [
        f"No API token is stored for {host} (project {project}), where the base URL "
        f"{identity.base_url} from {source} points."
    ]
    if space and store.has(keyring_username(project, space)):
        parts.append(
            f"The token stored for {space} is not sent to {host}: a token goes only to the "
            "place it was stored for."
        )
    parts.append(
        f"Run '{_login_for_host(identity, source, profile_name)}' to store one for that host, "
        f"or set SIGNALWIRE_API_TOKEN{_undo_base_url(source, space)}."
    )
    return CredentialsError(" ".join(parts))


def _login_for_host(identity: PartialCredentials, source: str, profile_name: str | None) -> str:
    """The login that stores a token for the base URL. `auth login --base-url` saves that URL in
    its profile, so a base URL that is not the profile's own gets a profile of its own."""
    login = f"streamtui auth login --base-url {identity.base_url}"
    if profile_name and source.startswith("profile"):
        login += f" --profile {profile_name}"
    elif profile_name:
        login += " --profile <new-name>"
    login += f" --space {identity.space}" if identity.space else ""
    return f"{login} --project-id {identity.project_id}"


def _undo_base_url(source: str, space: str | None) -> str:
    """How to go back to the space, by where the base URL came from."""
    if not space:
        return ""
    if ENV_BASE_URL in source:
        undo = f"unset {ENV_BASE_URL}"
    elif source == "--base-url":
        undo = "leave out --base-url"
    else:
        undo = f"remove base_url from {source}"
    return f", or {undo} to use {space}.signalwire.com"
