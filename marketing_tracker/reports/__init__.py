"""Tables and findings -> what people read: the recap figures (pandas) and their renderers (xlsx, HTML, text, JSON).
"""
