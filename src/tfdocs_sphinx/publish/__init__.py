"""What the built site gives its readers beyond the rendered pages.

Accessible HTML (:mod:`.a11y`), a 404 page that works at any depth
(:mod:`.notfound`), links to the API reference (:mod:`.apilinks`, from the maps
:mod:`.apimap` writes), executed notebooks to download and open in Colab
(:mod:`.launch`), and the wheel and install command that let readers run the
code themselves (:mod:`.install`, :mod:`.requirements`).
"""
