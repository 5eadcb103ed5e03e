"""What the user sees: rich rendering of records (render), the words of the write
commands' summaries (summaries), the terminal (terminal: consoles, pager, progress, Ctrl-C)
and the full-screen reader (browse, on textual widgets)."""
