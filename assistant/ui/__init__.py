"""What the web app shows: markdown views, the facts table and its edits. No Gradio here; app.py builds the page."""
