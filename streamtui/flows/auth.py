"""Log in, log out, verify: the one flow that `streamtui auth` and the TUI's F8 both call.

Login goes in one order, whichever front-end asks: the keyring is checked first (no token is asked
for or sent when it cannot be stored), the token is checked against the API at the destination it
will be sent to, the profile is saved, and only then is the token stored, so a profile that cannot
be saved leaves no orphan token behind. Every keyring call, file lock and fsync runs in a thread:
the TUI's event loop never waits on them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from streamtui.api import RetryPolicy, SignalWireClient
from streamtui.config import Config, Profile, save_profile
from streamtui.credentials import PartialCredentials, TokenStore
from streamtui.secret import Secret

VERIFY_TIMEOUT = 15.0


@dataclass(frozen=True)
class LoginResult:
    profile: Profile
    config: Config  # the config as saved, with the profile in it
    username: str  # the keyring entry: `<project_id>@<destination>`
    backend: str  # the keyring in plain words, and why it was chosen
    insecure: bool  # a store the user allowed with STREAMTUI_ALLOW_INSECURE_KEYRING=1
    verified: bool


async def check_keyring(store: TokenStore, identity: PartialCredentials) -> str:
    """The backend's name when a token can be stored for `identity`; KeyringUnavailable if not."""

    def check() -> str:
        store.get(identity.keyring_username)  # no, locked or untrusted keyring: fails here
        return store.backend_name()

    return await asyncio.to_thread(check)


async def verify(identity: PartialCredentials, token: Secret) -> None:
    """A harmless authenticated GET at the destination: List Conferences, one row."""
    async with SignalWireClient(
        base_url=identity.base_url,
        project_id=identity.project_id,
        token=token.reveal(),
        timeout=VERIFY_TIMEOUT,
        retry=RetryPolicy(attempts=2),
    ) as client:
        async for _page in client.conference_pages(identity.project_id, status=None, page_size=1):
            break


async def login(
    *,
    store: TokenStore,
    identity: PartialCredentials,
    token: Secret,
    profile: Profile,
    config_path: Path,
    make_default: bool,
    check: bool = True,
) -> LoginResult:
    """Check the keyring, verify the token (unless `check` is False), save the profile, then
    store the token. Raises the first failure; nothing after it is done."""
    await check_keyring(store, identity)
    if check:
        await verify(identity, token)
    config = await asyncio.to_thread(save_profile, config_path, profile, make_default)
    username = identity.keyring_username
    backend = await asyncio.to_thread(store.set, username, token)
    insecure = await asyncio.to_thread(store.is_insecure)
    return LoginResult(profile, config, username, backend, insecure, verified=check)


async def logout(store: TokenStore, identity: PartialCredentials) -> bool:
    """Delete the token of `identity`'s destination; False when there was none."""
    return await asyncio.to_thread(store.delete, identity.keyring_username)
