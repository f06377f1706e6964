"""The Streamlit workbench: pages (``workbench/pages``) and the few helpers they share.
Only this package imports streamlit."""
