"""What the web app shows: markdown views, the facts table and its edits. No Gradio here (app.py builds the page),
except batch.py: the Batch tab's components, built by `batch_panel()` for app.py to place in a tab."""
