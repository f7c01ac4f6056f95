"""Subcommands of `kg` that live in their own module (see PLUGINS in kg/cli.py).

The command line, with kg/cli.py: parse arguments, call the library, print, exit. May import anything of kg's.
"""
