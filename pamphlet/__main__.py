"""`python -m pamphlet` runs the command line."""

from pamphlet.cli import run

run()
