"""`python -m newsarchive` runs the command line."""

from newsarchive.cli import main

# Guarded: ingest's worker processes import the main module again, and must not run it.
if __name__ == "__main__":
    main()
