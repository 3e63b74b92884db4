"""A small scikit-learn lab with the command-line contract of the seed lab's container."""
