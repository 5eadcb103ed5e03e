"""What every layer shares: the typed records an article travels as, the pydantic models
commands print, the row shape of a stored article, and the errors. Imports nothing of ours."""
