"""What the workbench pages ask of the graph. No streamlit here: every function takes
the store and the current viewer, so access rules apply in one place and the logic is
tested on its own."""
