"""Starting the app in a tmux pane with the test session's environment."""

from __future__ import annotations

import os
import shlex

#: every tmux call of the tests goes to a private server of this test run, never the
#: default one: on a shared machine, keys sent to the default server can reach someone
#: else's session with the same name.
TMUX = ("tmux", "-L", f"claimscope-test-{os.getpid()}")


def env_prefix() -> str:
    """``NAME=value ...`` for every CLAIMSCOPE_* variable and PYTHONPATH of this process.

    A tmux session takes its environment from the tmux server, not from the command
    that creates it: when a server was already running (a developer's own sessions),
    the app came up without the tests' private folders and annotator, so a test waited
    for the wrong lock file. Passing the variables on the command line fixes that.
    """
    names = sorted(name for name in os.environ if name.startswith("CLAIMSCOPE_") or name == "PYTHONPATH")
    return " ".join(f"{name}={shlex.quote(os.environ[name])}" for name in names)
