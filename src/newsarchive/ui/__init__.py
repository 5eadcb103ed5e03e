"""What the user sees: rich renderables of records (render, and the views listing, reading
and overview), the words of the write commands' summaries (summaries), the terminal
(terminal: consoles, pager, progress, Ctrl-C) and the full-screen reader (browse, on
textual widgets)."""
