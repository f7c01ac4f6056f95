"""Subcommands of `kg` that live in their own module (see PLUGINS in kg/cli.py)."""
