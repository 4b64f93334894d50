"""The TOML config file: profiles, labelled SIDs and saved targets (see shared/CONTRACT.md).

Read strictly: a typo in a hand-edited file is reported with the file, the key path, the line and
the fix, instead of being silently ignored, because a wrong SID here means stopping the wrong
stream. The token is never a key of this file: it lives in the OS keyring or SIGNALWIRE_API_TOKEN.

Writes merge: under a lock beside the file, the file is re-read, the change is applied to what is on
disk now, the result is validated, and only then written atomically (temporary file, fsync,
rename). Two instances saving at once both keep their entries; a crash leaves the old file or the
new one. A file that does not read or validate is never overwritten.

Saving rewrites the whole file with tomli-w, which cannot keep comments: comments in a hand-edited
file are lost the first time streamtui saves it.

The parts: `model` (what the config holds), `file` (reading the file safely), `validate` (strict
validation) with `locate` (the line of a problem), `include` (a team's shared lists), `read`
(load_config) and `write` (locked, merged, atomic changes).
"""

from streamtui.config.include import report_problems
from streamtui.config.locate import find_line
from streamtui.config.model import (
    KINDS,
    PARENT_KEYS,
    SECTIONS,
    Config,
    Confirm,
    Entry,
    Kind,
    Profile,
    SavedTarget,
    default_confirm,
)
from streamtui.config.read import load_config, load_config_for_ui
from streamtui.config.validate import LABEL_MAX, check_profile_name
from streamtui.config.write import (
    add_entry,
    add_target,
    dumps,
    relabel_entry,
    save_profile,
    update_config,
)

__all__ = [
    "KINDS",
    "LABEL_MAX",
    "PARENT_KEYS",
    "SECTIONS",
    "Config",
    "Confirm",
    "Entry",
    "Kind",
    "Profile",
    "SavedTarget",
    "add_entry",
    "add_target",
    "check_profile_name",
    "default_confirm",
    "dumps",
    "find_line",
    "load_config",
    "load_config_for_ui",
    "relabel_entry",
    "report_problems",
    "save_profile",
    "update_config",
]
