"""The app's screens, one per module (the reader is the package ``reader/``). None
imports the app class: a screen that needs the app's state asks it through
``tui.host.Host``."""
