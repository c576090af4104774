"""All SQL text of the program, one module per subject; functions take a Database and return plain rows."""
