"""pamphlet: statements to print-ready pamphlets and zines."""
