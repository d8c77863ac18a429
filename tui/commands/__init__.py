"""The subcommands of ``claimscope``, one module each (``import`` is ``importing.py``):
``add_arguments(parser)`` and ``run(args) -> int``, found by ``tui.cli.SUBCOMMANDS``
and imported only when their subcommand runs; ``open_app.py`` and ``listing.py`` are
the bare ``claimscope [PATH]``."""
