"""`python -m cercle.protocol.cli`: the same as the cercle-cli command."""

import sys

from cercle.protocol.cli import main

sys.exit(main())
