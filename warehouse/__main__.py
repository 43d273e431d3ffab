"""`python -m warehouse ...` is the `warehouse` command."""

import sys

from .cli import main

sys.exit(main())
