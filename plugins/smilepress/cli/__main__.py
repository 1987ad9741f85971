"""`python -m smilepress.cli`: the `smilepress` command."""

import sys

from .commands import main

sys.exit(main())
