"""Where the space, project ID and token come from, and the OS keyring done safely.

Resolution order: explicit flags, then the `SIGNALWIRE_*` environment variables, then the profile
in the config plus the token from the OS keyring (`resolve`). The keyring is imported only when
needed, every call to it runs under a timeout (a locked Secret Service can wait forever for a
prompt nobody sees over SSH), and only the OS stores keyring ships are trusted with a token (a
backend's priority is its own claim); any other backend is refused unless the user opted in
(`keyring_store`, `backends`).

Keyring scheme: service ``streamtui``, username ``<project_id>@<destination>``: the space for
``https://{space}.signalwire.com``, else the explicit base URL's ``host:port`` (`destination`). A
token is read only for the destination it goes to, so one stored for a space never follows a base
URL elsewhere; renaming a profile never loses its token.
"""

from streamtui.credentials.backends import (
    ENV_ALLOW_INSECURE_KEYRING,
    ENV_KEYRING_BACKEND,
    BackendInfo,
    describe_backend,
)
from streamtui.credentials.destination import (
    destination_name,
    destination_space,
    keyring_username,
    where_of,
)
from streamtui.credentials.keyring_store import (
    KEYRING_SERVICE,
    KEYRING_TIMEOUT,
    KeyringStore,
    TokenStore,
)
from streamtui.credentials.resolve import (
    ENV_BASE_URL,
    ENV_PROJECT_ID,
    ENV_SPACE,
    ENV_TOKEN,
    Credentials,
    PartialCredentials,
    ProfileLike,
    resolve,
    resolve_identity,
)

__all__ = [
    "ENV_ALLOW_INSECURE_KEYRING",
    "ENV_BASE_URL",
    "ENV_KEYRING_BACKEND",
    "ENV_PROJECT_ID",
    "ENV_SPACE",
    "ENV_TOKEN",
    "KEYRING_SERVICE",
    "KEYRING_TIMEOUT",
    "BackendInfo",
    "Credentials",
    "KeyringStore",
    "PartialCredentials",
    "ProfileLike",
    "TokenStore",
    "describe_backend",
    "destination_name",
    "destination_space",
    "keyring_username",
    "resolve",
    "resolve_identity",
    "where_of",
]
