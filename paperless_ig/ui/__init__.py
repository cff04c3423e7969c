"""The PySide6 face of the app. The only package (with app.py) that imports Qt."""
