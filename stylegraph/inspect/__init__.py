"""Image inspection: a calibrated photo classifier that accepts what it is sure of.

``stylegraph inspect train`` trains a classifier on a catalog label column,
starting from the project's trained image model (or torchvision / random /
a ``.pth``); ``stylegraph inspect run`` classifies a catalog or a folder of
photos; doubtful photos go to the review queue (:mod:`stylegraph.inspect.queue`)
that merchandisers work through on the explorer's ``/review`` page.
"""
