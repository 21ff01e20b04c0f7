"""Typed tables -> findings: the rules, one per finding code, and the runner that checks many files.
"""
