"""
An example whose thumbnail does not exist
=========================================

sphinx-gallery warns about it while it generates the example's page.
"""

# sphinx_gallery_thumbnail_path = "_static/no_such_thumbnail.png"

print("ran")
