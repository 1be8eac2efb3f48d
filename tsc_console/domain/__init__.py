"""Pure rules of the program: identifiers, codes, geography. Imports no other layer."""
