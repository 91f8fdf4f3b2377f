"""What the built site gives its readers beyond the rendered pages."""
