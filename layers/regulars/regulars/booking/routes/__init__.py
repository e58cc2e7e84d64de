"""The booking routes: the widget's, the client's manage link, the salon's desk."""
