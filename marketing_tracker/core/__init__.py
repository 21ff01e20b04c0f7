"""The ground every stage stands on: the schema and its words, the plan, findings, dates, derived values, errors.

Nothing here reads or writes a workbook; everything here may be imported by any stage.
"""
