"""Typed data -> workbooks people open: the tracker (xlsxwriter) and the annotated copy (openpyxl).

Imports only ``core``: generating a tracker loads neither the reader nor pandas.
"""
