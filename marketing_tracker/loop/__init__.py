"""Several copies and plans over time -> one tracker: splitting it to send out, merging the copies, re-planning.
"""
