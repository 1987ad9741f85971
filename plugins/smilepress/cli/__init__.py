"""The `smilepress` command (the top layer, with mkdocs_plugin/): thin glue over the library.

parser: the command line (commands, options, examples); commands: running them, with exit codes and
messages to staff in Chinese. `main` is the console script's entry point (smilepress.cli:main).
"""

from .commands import main

__all__ = ["main"]
