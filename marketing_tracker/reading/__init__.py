"""File -> typed tables: what the file is and whether it is safe, what the parser misses, coercion, the reader.

Owns python-calamine, xlrd and defusedxml. Imports only ``core``.
"""
