"""Documents built from the content and the charts: the printable guide (HTML, PDF,
Markdown)."""
