"""The OCR pipeline: page sources, cover-sheet separation, Tesseract, PDF assembly. No Qt."""
