"""Tables, plots and self-contained HTML reports."""
