#!/usr/bin/env python
"""Django's command-line utility; ``motcua`` is the same command once installed."""

from motcua.__main__ import main

if __name__ == "__main__":
    main()
